"""SQLite database access: SQLite (WAL) on the event loop's own thread, plus a threaded engine for
the few reads that can run long. (storage/engine.py picks the engine; Postgres is postgres.py.)

Why on the loop's thread: a statement here is far cheaper (a local file, WAL,
synchronous=NORMAL: commits do not wait for the disk) than a hop to a driver thread and back,
which costs a loop iteration and, under fan-out, waits behind every stream writer
(docs/performance.md). The server's code keeps `await conn.execute(...)`; `Conn` runs it at once.

- Writes: `Database.write()` holds an in-process lock and the write engine opens every
  transaction with BEGIN IMMEDIATE, so writes are serial. That makes event_id order equal to
  commit order, which the stream relies on (a client that has event N has every visible event
  below N).
- Reads: a plain (deferred) BEGIN, so every read is one consistent snapshot.
- `Database.read_offloaded()`: the same, on aiosqlite's thread, for reads whose size the caller
  picks (reports, transcript search, exports), so one big read never stalls the streams.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

BUSY_TIMEOUT_MS = 10_000


class Conn:
    """The part of SQLAlchemy's AsyncConnection the server uses, over a plain connection: each
    statement runs at once on the calling thread (see the module's docstring)."""
    __slots__ = ("sync",)

    def __init__(self, sync: Connection):
        self.sync = sync

    @property
    def dialect(self) -> Any:
        return self.sync.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        return self.sync.execute(statement, parameters)

    async def run_sync(self, fn: Callable[..., Any], *args: Any) -> Any:
        return fn(self.sync, *args)


class AnyConn(Protocol):
    """What query helpers accept: SQLite's Conn and Postgres' AsyncConnection both have
    `await execute()` (results as SQLAlchemy gives them) and the dialect."""

    @property
    def dialect(self) -> Any: ...

    async def execute(self, statement: Any, parameters: Any = None) -> Any: ...


def _sync_engine(path: Path, begin_sql: str, pool_size: int) -> Engine:
    # check_same_thread off: the pool may hand a connection to another thread's loop (tests run
    # servers in threads); each connection is still used by one task at a time.
    engine = create_engine(f"sqlite:///{path}", pool_size=pool_size, max_overflow=pool_size,
                           connect_args={"check_same_thread": False})
    install_sqlite_hooks(engine, begin_sql)
    return engine


def _async_engine(path: Path, begin_sql: str, pool_size: int) -> AsyncEngine:
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


class SqliteDatabase:
    """The SQLite engine behind the storage boundary (storage/engine.py's Database)."""
    dialect = "sqlite"

    def __init__(self, path: Path):
        self.path = Path(path)
        self.writer = _sync_engine(self.path, "BEGIN IMMEDIATE", 2)   # writes are serial anyway
        self.reader = _sync_engine(self.path, "BEGIN", 16)
        self._offloaded: AsyncEngine | None = None                   # made on first use
        self.write_lock = asyncio.Lock()

    @asynccontextmanager
    async def write(self, on_commit: Callable[[], None] | None = None) -> AsyncIterator[Conn]:
        """One serial write transaction; commits on normal exit, rolls back on an exception.
        `on_commit` runs after the commit, before the next write begins (the hub's order)."""
        async with self.write_lock:
            with self.writer.begin() as conn:
                yield Conn(conn)
            if on_commit is not None:
                on_commit()

    async def next_event_id(self, conn: Conn) -> int | None:
        """None: the events table's INTEGER PRIMARY KEY numbers the row; writes are serial
        (BEGIN IMMEDIATE under the lock), so that number is in commit order already."""
        return None

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Conn]:
        """One read snapshot. Its body awaits statements only (never the network, never a sleep):
        then no two reads hold a connection at once, and the plain pool never has to make the
        loop wait for one."""
        with self.reader.connect() as conn:
            try:
                yield Conn(conn)
            finally:
                conn.rollback()

    @asynccontextmanager
    async def read_offloaded(self) -> AsyncIterator[AsyncConnection]:
        """A read on a driver thread: for reads that may be big (see the module's docstring)."""
        if self._offloaded is None:
            self._offloaded = _async_engine(self.path, "BEGIN", 4)
        async with self._offloaded.connect() as conn:
            try:
                yield conn
            finally:
                await conn.rollback()

    async def close(self) -> None:
        self.writer.dispose()
        self.reader.dispose()
        if self._offloaded is not None:
            await self._offloaded.dispose()
