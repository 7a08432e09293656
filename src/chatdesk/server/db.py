"""Database access: two async engines on one SQLite file (WAL).

- The write engine opens every transaction with BEGIN IMMEDIATE, and `Database.write()` also holds
  an in-process lock, so writes are serial. That makes event_id order equal to commit order, which
  the stream relies on (a client that has event N has every visible event below N).
- The read engine opens a plain (deferred) BEGIN: every read is one consistent snapshot.
"""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

BUSY_TIMEOUT_MS = 10_000


def _engine(path: Path, begin_sql: str, pool_size: int) -> AsyncEngine:
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}", pool_size=pool_size, max_overflow=pool_size)
    install_sqlite_hooks(engine.sync_engine, begin_sql)
    return engine


def install_sqlite_hooks(sync_engine, begin_sql: str) -> None:
    """Pragmas on every new connection, and our own BEGIN (pysqlite's implicit one is deferred and
    skips DDL, which would make migrations non-atomic)."""

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None        # we emit BEGIN ourselves (see below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives a process crash (kill -9)
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        conn.exec_driver_sql(begin_sql)


class Database:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.writer = _engine(self.path, "BEGIN IMMEDIATE", 2)   # writes are serial anyway
        self.reader = _engine(self.path, "BEGIN", 16)
        self.write_lock = asyncio.Lock()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """One serial write transaction; commits on normal exit, rolls back on an exception."""
        async with self.write_lock:
            async with self.writer.begin() as conn:
                yield conn

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self.reader.connect() as conn:
            try:
                yield conn
            finally:
                await conn.rollback()

    async def close(self) -> None:
        await self.writer.dispose()
        await self.reader.dispose()
