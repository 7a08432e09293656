"""The storage boundary: the interface both engines give, and `open_database()`, which opens the
one a `--db` value names (storage/target.py tells them apart: an SQLite file path or
`sqlite:///path`, or a `postgresql://` URL). Everything above it talks to a `Database`:

- `write(on_commit=None)`: one write transaction, serial with every other write of this database
  (SQLite: an in-process lock and BEGIN IMMEDIATE; Postgres: the same lock and a transaction-scoped
  advisory lock, so also across processes). `on_commit` runs after the commit and before the next
  write begins: the event log publishes there, so the hub sees events in event_id order.
- `next_event_id(conn)`: the event_id for the next event of this transaction, or None when the
  engine numbers the row itself (see postgres.py for the counter that makes ids commit-ordered).
- `read()`: one consistent snapshot; `read_offloaded()`: the same for reads that may be big;
  `close()`.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, Protocol

from .target import database_target

DEFAULT_POOL = 10          # read connections kept open per process (Postgres)


class Database(Protocol):
    dialect: str

    def write(self, on_commit: Callable[[], None] | None = None) -> AbstractAsyncContextManager[Any]: ...

    async def next_event_id(self, conn: Any) -> int | None: ...

    def read(self) -> AbstractAsyncContextManager[Any]: ...

    def read_offloaded(self) -> AbstractAsyncContextManager[Any]: ...

    async def close(self) -> None: ...


def open_database(target: str | Path, pool_size: int = DEFAULT_POOL) -> Database:
    """The engine `target` names (see database_target); nothing is connected yet."""
    target = database_target(target)
    if isinstance(target, str):
        from .postgres import PostgresDatabase
        return PostgresDatabase(target, pool_size=pool_size)
    from .db import SqliteDatabase
    return SqliteDatabase(target)

