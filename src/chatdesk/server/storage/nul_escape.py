"""The reversible escape that lets Postgres text hold NUL (text_types.py says why): NUL is
stored as U+FFFF "0" and U+FFFF itself as U+FFFF "1". Plain Python, so `chatdesk user add` can use
it without SQLAlchemy."""
from __future__ import annotations

import re

MARK = "\uffff"
_TO_STORED = re.compile("[\x00\uffff]")
_FROM_STORED = re.compile("\uffff[01]")


def to_stored(value: str) -> str:
    return _TO_STORED.sub(lambda m: MARK + ("0" if m.group() == "\x00" else "1"), value)


def from_stored(value: str) -> str:
    return _FROM_STORED.sub(lambda m: "\x00" if m.group()[1] == "0" else MARK, value)
