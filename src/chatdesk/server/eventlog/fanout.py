"""Fan-out of committed events to this process's hub, in event_id order, each exactly once, when
several processes write to one database.

Event ids are in commit order across processes (SQLite: BEGIN IMMEDIATE serialises writers on the
file; Postgres: the counter row, held until commit), so the events table read at any moment holds
every committed id below its newest one. The fan-out keeps `published_upto`, the last id handed
to the hub:
- a local commit whose first id is published_upto + 1 goes to the hub at once;
- anything else (another process committed in between), and every wake-up (a peer's datagram,
  the poll), makes the catch-up read the ids in (published_upto, newest] from the table and
  publish them; ids at or below published_upto are never published again.
A process alone on its database (no --cluster) never calls `follow`: its commits go straight to
the hub as before, with no read and no poll.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from sqlalchemy import func, select

from ..storage import schema
from .hub import Hub

log = logging.getLogger("chatdesk.server.fanout")
E = schema.events
BATCH = 1000


class Fanout:
    def __init__(self, hub: Hub, read: Callable[[], AbstractAsyncContextManager[Any]],
                 to_row: Callable[[Any], Any]):
        """read: a read snapshot (Store.read); to_row: an events row -> EventRow (log.py's)."""
        self.hub, self.read, self.to_row = hub, read, to_row
        self.published_upto = 0
        self.following = False              # other processes write too (follow() was called)
        self.needed = asyncio.Event()       # a catch-up read is due
        self.catch_ups = 0                  # reads that found something: for the bench and tests
        self.on_local_commit: list[Callable[[int], None]] = []   # the cluster bus tells its peers

    async def follow(self) -> None:
        """Several processes: from the newest committed id on (older events are the streams'
        replay, not ours), publish in id order whoever wrote them."""
        async with self.read() as conn:
            self.published_upto = (await conn.execute(select(func.max(E.c.event_id)))).scalar() or 0
        self.following = True

    def committed(self, rows: list) -> None:
        """Called right after this process's commit, before its next write can start."""
        if not rows:
            return
        if not self.following:
            self.hub.publish(rows)
            return
        if rows[0].event_id == self.published_upto + 1 and not self.needed.is_set():
            self.hub.publish(rows)
            self.published_upto = rows[-1].event_id
        else:
            self.needed.set()
        for tell in self.on_local_commit:
            tell(rows[-1].event_id)

    def wake(self, newest: int | None = None) -> None:
        """Something may have been committed elsewhere (newest: the id a peer announced)."""
        if newest is None or newest > self.published_upto:
            self.needed.set()

    async def catch_up(self) -> int:
        """Publish every committed event after published_upto; returns how many."""
        published = 0
        while True:
            async with self.read() as conn:
                batch = (await conn.execute(select(E).where(E.c.event_id > self.published_upto)
                                            .order_by(E.c.event_id).limit(BATCH))).all()
            rows = [self.to_row(r) for r in batch if r.event_id > self.published_upto]
            if rows:
                self.hub.publish(rows)
                self.published_upto = rows[-1].event_id
                published += len(rows)
            if len(batch) < BATCH:
                break
        if published:
            self.catch_ups += 1
        return published

    async def run(self) -> None:
        """The catch-up reader: one read per wake-up, however many wake-ups came meanwhile."""
        while True:
            await self.needed.wait()
            self.needed.clear()
            try:
                await self.catch_up()
            except asyncio.CancelledError:
                raise
            except Exception:           # a failed read must not stop fan-out: try again soon
                log.exception("catch-up read failed")
                await asyncio.sleep(0.5)
                self.needed.set()

    async def poll(self, interval: float) -> None:
        """Several processes and no other wake-up to trust: look for new ids every `interval`."""
        while True:
            await asyncio.sleep(interval)
            try:
                async with self.read() as conn:
                    newest = (await conn.execute(select(func.max(E.c.event_id)))).scalar() or 0
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("event poll failed")
                continue
            self.wake(newest)
