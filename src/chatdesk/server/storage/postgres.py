"""The Postgres engine (asyncpg through SQLAlchemy's AsyncEngine), with the interface of
storage/engine.py's Database. Callers `await conn.execute(...)` as they do on SQLite.

Writes are serial, as on SQLite, and now across processes too: every write transaction first takes
`pg_advisory_xact_lock(WRITE_LOCK)` (held until commit or rollback), and within a process an
asyncio lock keeps a second write from holding a pooled connection while it waits. So no two
writes interleave and no write can deadlock another on row locks.

Event ids come from one counter row, `UPDATE event_counter SET value = value + 1 RETURNING value`,
inside the writing transaction (docs/architecture.md, "Event ids on Postgres"): the row stays
locked until commit, so ids are handed out in commit order, and a rolled-back transaction rolls its
increment back with it, so the committed ids are dense (1, 2, 3, ... with no hole a reader could
wait on or skip over). A sequence would not do: nextval() is never rolled back and is not ordered
by commit.

Reads are REPEATABLE READ, read-only: every statement of one `read()` sees the same snapshot, which
is what SQLite's deferred BEGIN gives (the desk snapshot's newest event_id and its rows agree).
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from .target import WRITE_LOCK, sqlalchemy_url

TAKE_WRITE_LOCK = text(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
NEXT_EVENT_ID = text("UPDATE event_counter SET value = value + 1 WHERE id = 1 RETURNING value")
WRITER_POOL = 2            # writes are serial: one in use, one spare


def make_engine(url: str, pool_size: int, *, read_only: bool = False) -> AsyncEngine:
    settings = {"application_name": "chatdesk"}
    if read_only:
        settings["default_transaction_read_only"] = "on"
    return create_async_engine(
        sqlalchemy_url(url), pool_size=pool_size, max_overflow=pool_size, pool_timeout=30,
        # No pre-ping: it costs a round trip per checkout (a read went from 8 to 16 ms on a busy
        # 2-core machine). A connection the database dropped fails its statement once and the
        # pool replaces every connection of that age; recycling keeps them from going stale.
        pool_recycle=1800,
        isolation_level="REPEATABLE READ" if read_only else "READ COMMITTED",
        connect_args={"server_settings": settings})


class PostgresDatabase:
    dialect = "postgresql"

    def __init__(self, url: str, pool_size: int = 10):
        self.url = url
        self.writer = make_engine(url, WRITER_POOL)
        self.reader = make_engine(url, pool_size, read_only=True)
        self.write_lock = asyncio.Lock()

    @asynccontextmanager
    async def write(self, on_commit: Callable[[], None] | None = None) -> AsyncIterator[AsyncConnection]:
        """One serial write transaction (see the module's docstring); commits on normal exit, rolls
        back on an exception. `on_commit` runs after the commit, before this process's next write."""
        async with self.write_lock:
            async with self.writer.begin() as conn:
                await conn.execute(TAKE_WRITE_LOCK)
                yield conn
            if on_commit is not None:
                on_commit()

    async def next_event_id(self, conn: AsyncConnection) -> int | None:
        return (await conn.execute(NEXT_EVENT_ID)).scalar_one()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self.reader.connect() as conn:
            try:
                yield conn
            finally:
                await conn.rollback()

    def read_offloaded(self):
        """asyncpg never blocks the loop: a big read is an ordinary read here."""
        return self.read()

    async def close(self) -> None:
        await self.writer.dispose()
        await self.reader.dispose()
