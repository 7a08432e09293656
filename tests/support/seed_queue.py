"""A long queue without thousands of round trips: n visitors, each with one queued chat and a
first message, written with SQLAlchemy Core through the server's own tables into its real SQLite
file (what n widgets would leave). The server reads the queue from the file on every request."""
from __future__ import annotations

import time
from pathlib import Path

import sqlalchemy as sa

from chatdesk.server.storage.schema import conversations, messages, visitors


def seed_queue(db_path: Path, n: int, name: str = "Seed") -> None:
    """Visitors `seed-0` … named "{name} 0" …, queued oldest first in that order."""
    now = time.time()
    engine = sa.create_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        first = conn.execute(sa.select(sa.func.coalesce(sa.func.max(conversations.c.id), 0))).scalar() + 1
        conn.execute(sa.insert(visitors), [{"id": f"seed-{i}", "first_seen": now, "last_seen": now,
                                            "visit_started_at": now, "name": f"{name} {i}"} for i in range(n)])
        conn.execute(sa.insert(conversations), [{"id": first + i, "visitor_id": f"seed-{i}", "state": "queued",
                                                 "queued_at": now - n + i, "last_seq": 1} for i in range(n)])
        conn.execute(sa.insert(messages), [{"conversation_id": first + i, "seq": 1, "author_key": f"v:seed-{i}",
                                            "author_type": "visitor", "kind": "text", "body": "x" * 200, "ts": now}
                                           for i in range(n)])
    engine.dispose()
