"""Text columns that hold any text on Postgres too: its `text` cannot contain NUL (U+0000), which
SQLite stores and visitors may send (the server stores what it accepted byte for byte; the desk
cleans at display). On Postgres a string is written with NUL as U+FFFF "0" and U+FFFF itself as
U+FFFF "1", and read back the other way: exact, and text without either character (all real
text) is stored unchanged, so comparisons, indexes and search see it as written. SQLite gets the
plain types (schema.py's `String`, `Text` are variants), so its path does not change."""
from __future__ import annotations

from typing import Any

from sqlalchemy import String as SqlString
from sqlalchemy import Text as SqlText
from sqlalchemy.types import TypeDecorator, TypeEngine

from .nul_escape import MARK, from_stored, to_stored


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
