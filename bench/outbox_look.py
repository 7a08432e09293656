"""The delivery worker's look for due deliveries, against the backlog of a receiver that hangs.

A receiver that never answers holds its slots while deliveries for it keep coming (25 a second
under the latency load, ~0.8 attempts a second get through with a 5 s timeout): its backlog grows
without end, every row due. The worker looks after every event that wrote a delivery, on the event
loop's thread (reads are on the loop: storage/db.py). This times one look (`start_due`) with that
target's slots full and N of its deliveries waiting, and one healthy webhook with nothing due: the
look's cost must not grow with a backlog it cannot send anyway.

    uv run python -m bench.outbox_look [N …]
"""
from __future__ import annotations

import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import insert

from chatdesk.server.config import ServerConfig
from chatdesk.server.eventlog.hub import Hub
from chatdesk.server.eventlog.log import Store
from chatdesk.server.outbox.enqueue import Outbox
from chatdesk.server.outbox.worker import DeliveryWorker
from chatdesk.server.storage import schema
from chatdesk.server.storage.db import SqliteDatabase as Database
from chatdesk.server.storage.migrations import migrate_async

LOOKS = 50


async def one_size(n: int) -> float:
    """Milliseconds per look with `n` deliveries due for a webhook whose slots are all taken."""
    with tempfile.TemporaryDirectory(prefix="chatdesk-bench-look-") as tmp:
        db = Database(Path(tmp) / "look.db")
        await migrate_async(db)
        config = ServerConfig(db_path=db.path)
        outbox = Outbox(config)
        store = Store(db, Hub(), outbox=outbox)
        now = time.time()
        async with db.write() as conn:
            for hook in (1, 2):
                await conn.execute(insert(schema.webhooks).values(id=hook, url=f"http://127.0.0.1:9/{hook}",
                                                                  events=["*"], secret="s", created_at=now))
            rows = [{"id": str(uuid.uuid4()), "channel": "webhook", "webhook_id": 1, "recipient": "",
                     "event": "message.created", "event_id": i, "payload": {"data": {"body": "x" * 200}},
                     "state": "pending", "attempts": 0, "next_at": now - n + i, "created_at": now - n + i,
                     "give_up_at": now + 86400, "last_error": ""} for i in range(n)]
            for start in range(0, n, 5000):
                await conn.execute(insert(schema.deliveries), rows[start:start + 5000])
        worker = DeliveryWorker(config, store, outbox)
        for i in range(worker.per_target):          # the hanging receiver holds all of its slots
            worker.in_flight[f"held-{i}"] = "webhook:1"
        await worker.start_due()                     # warm the caches
        started = time.perf_counter()
        for _ in range(LOOKS):
            await worker.start_due()
        took = (time.perf_counter() - started) / LOOKS * 1000
        assert not worker.tasks, "the look started a delivery for a full target"
        await db.close()
        return took


def run(sizes: list[int]) -> dict[str, float]:
    return {str(n): asyncio.run(one_size(n)) for n in sizes}


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000]
    for n, ms in run(sizes).items():
        print(f"{n:>7} deliveries waiting for a hanging receiver: {ms:7.2f} ms per look")
