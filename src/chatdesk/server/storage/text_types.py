"""Text columns that hold any text on Postgres too: its `text` cannot contain NUL (U+0000), which
SQLite stores and visitors may send (the server stores what it accepted byte for byte; the desk
cleans at display). On Postgres a string is written with NUL as U+FFFF "0" and U+FFFF itself as
U+FFFF "1", and read back the other way: exact, and text without either character (all real
text) is stored unchanged, so comparisons, indexes and search see it as written. SQLite gets the
plain types (schema.py's `String`, `Text` are variants), so its path does not change."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import String as SqlString
from sqlalchemy import Text as SqlText
from sqlalchemy.types import TypeDecorator, TypeEngine

MARK = "\uffff"
_TO_STORED = re.compile("[\x00\uffff]")
_FROM_STORED = re.compile("\uffff[01]")


def to_stored(value: str) -> str:
    return _TO_STORED.sub(lambda m: MARK + ("0" if m.group() == "\x00" else "1"), value)


def from_stored(value: str) -> str:
    return _FROM_STORED.sub(lambda m: "\x00" if m.group()[1] == "0" else MARK, value)


class _NulSafe(TypeDecorator):
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return to_stored(value) if isinstance(value, str) and ("\x00" in value or MARK in value) else value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return from_stored(value) if isinstance(value, str) and MARK in value else value


class PgText(_NulSafe):
    impl = SqlText


def string(length: int | None = None) -> TypeEngine[str]:
    """VARCHAR(length) on SQLite (which never enforces it); text on Postgres, where the escape may
    lengthen a value: the limits are the protocol's (protocol/limits.py), checked before storing."""
    return SqlString(length).with_variant(PgText(), "postgresql")


def text_type() -> TypeEngine[str]:
    return SqlText().with_variant(PgText(), "postgresql")
