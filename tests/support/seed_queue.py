"""A long queue without thousands of round trips: n visitors, each with one queued chat and a
first message, written with SQLAlchemy Core through the server's own tables into its real
database (what n widgets would leave): the SQLite file, or the server's Postgres database. The
server reads the queue from the database on every request."""
from __future__ import annotations

import time
from pathlib import Path

import sqlalchemy as sa

from chatdesk.server.storage.engine import open_database
from chatdesk.server.storage.schema import conversations, messages, visitors
from chatdesk.server.storage.target import database_target

from .database import in_thread


def seed_queue(database: Path | str, n: int, name: str = "Seed") -> None:
    """Visitors `seed-0` … named "{name} 0" …, queued oldest first in that order. `database` is
    what the server's --db got (LiveServer.database) or its SQLite file."""
    now = time.time()
    people = [{"id": f"seed-{i}", "first_seen": now, "last_seen": now, "visit_started_at": now,
               "name": f"{name} {i}"} for i in range(n)]
    chats = [{"visitor_id": f"seed-{i}", "state": "queued", "queued_at": now - n + i, "last_seq": 1} for i in range(n)]

    def first_messages(ids: list[int]) -> list[dict]:
        return [{"conversation_id": cid, "seq": 1, "author_key": f"v:seed-{i}", "author_type": "visitor",
                 "kind": "text", "body": "x" * 200, "ts": now} for i, cid in enumerate(ids)]

    target = database_target(database)
    if isinstance(target, str):
        _on_postgres(target, people, chats, first_messages)
        return
    engine = sa.create_engine(f"sqlite:///{target}")
    with engine.begin() as conn:
        first = conn.execute(sa.select(sa.func.coalesce(sa.func.max(conversations.c.id), 0))).scalar() + 1
        conn.execute(sa.insert(visitors), people)
        conn.execute(sa.insert(conversations), [{"id": first + i, **c} for i, c in enumerate(chats)])
        conn.execute(sa.insert(messages), first_messages([first + i for i in range(n)]))
    engine.dispose()


def _on_postgres(url: str, people: list[dict], chats: list[dict], first_messages) -> None:
    """The same rows through the server's own Database (its write lock included); ids from the
    table's own sequence, so the server's next chat does not collide with them. In a thread of
    its own: the caller may be a test already running an event loop."""
    async def seed() -> None:
        db = open_database(url, pool_size=1)
        try:
            async with db.write() as conn:
                await conn.execute(sa.insert(visitors), people)
                ids = list((await conn.execute(sa.insert(conversations).returning(
                    conversations.c.id, sort_by_parameter_order=True), chats)).scalars())
                await conn.execute(sa.insert(messages), first_messages(ids))
        finally:
            await db.close()

    in_thread(seed())
