"""The event log and the hub that fans events out to connected streams.

`Store.tx()` is the only way to change data: one serial transaction in which every durable change
writes its event (global event_id, per-conversation gap-free seq, visibility columns). After the
commit, still under the write lock, the events go to the Hub, so every subscriber receives them in
event_id order and never before they are durable.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, true, update

from chatdesk.protocol import events as ev

from . import schema
from .auth import Actor
from .db import Conn, Database

E = schema.events
MAX_BUFFER = 20_000   # events queued for one slow stream before we drop it (it resumes on reconnect)
VISITOR_KINDS = ("text", "system")


@dataclass(frozen=True)
class EventRow:
    event_id: int
    type: str
    conversation_id: int | None
    seq: int | None
    ts: float
    data: dict[str, Any]
    client_msg_id: str | None
    all_operators: bool
    op1: int | None
    op2: int | None
    visitor_id: str | None

    @classmethod
    def from_db(cls, r) -> "EventRow":
        return cls(r.event_id, r.type, r.conversation_id, r.seq, r.ts, json.loads(r.data),
                   r.client_msg_id, bool(r.all_operators), r.op1, r.op2, r.visitor_id)

    def visible_to(self, actor: Actor) -> bool:
        return actor.is_staff or self.all_operators or actor.id in (self.op1, self.op2)

    def frame(self) -> dict[str, Any]:
        f = {"type": self.type, "event_id": self.event_id, "conversation_id": self.conversation_id,
             "seq": self.seq, "ts": self.ts, "data": self.data}
        if self.client_msg_id is not None:
            f["client_msg_id"] = self.client_msg_id
        return f

    def visitor_frame(self) -> dict[str, Any]:
        """What a visitor may see of an event already marked visible to them: their own messages
        (text/system) and their conversation's state, without operator-only fields."""
        data: dict[str, Any]
        if self.type == ev.MESSAGE_CREATED:
            data = self.data
        else:
            conv = dict(self.data.get("conversation", {}))
            for private in ("tags", "summary", "follow_up", "auto_assigned", "department"):
                conv.pop(private, None)
            data = {"conversation": conv}
        return {**self.frame(), "data": data}


def operator_filter(actor: Actor):
    """SQL twin of EventRow.visible_to, for replay."""
    if actor.is_staff:
        return true()
    return or_(E.c.all_operators.is_(True), E.c.op1 == actor.id, E.c.op2 == actor.id)


class Tx:
    """One write transaction. Collects the events it writes so they can be published after commit."""

    def __init__(self, conn: Conn):
        self.conn = conn
        self.events: list[EventRow] = []

    async def next_seq(self, conversation_id: int) -> int:
        c = schema.conversations
        return (await self.conn.execute(
            update(c).where(c.c.id == conversation_id).values(last_seq=c.c.last_seq + 1)
            .returning(c.c.last_seq))).scalar_one()

    async def emit(self, type_: str, data: dict[str, Any], *, conversation_id: int | None = None,
                   seq: int | None = None, all_operators: bool = False, ops: tuple = (),
                   visitor_id: str | None = None, client_msg_id: str | None = None) -> EventRow:
        assert type_ in ev.DURABLE, type_
        if conversation_id is not None and seq is None:
            seq = await self.next_seq(conversation_id)
        op_ids = [o for o in dict.fromkeys(ops) if o is not None][:2]
        op1, op2 = (op_ids + [None, None])[:2]
        ts = time.time()
        res = await self.conn.execute(insert(E).values(
            type=type_, conversation_id=conversation_id, seq=seq, ts=ts, data=json.dumps(data),
            client_msg_id=client_msg_id, all_operators=all_operators, op1=op1, op2=op2,
            visitor_id=visitor_id))
        row = EventRow(res.inserted_primary_key[0], type_, conversation_id, seq, ts, data,
                       client_msg_id, all_operators, op1, op2, visitor_id)
        self.events.append(row)
        return row


@dataclass(eq=False)
class Subscriber:
    """One connected stream. `accepts` decides per event; ephemeral frames are offered directly."""
    accepts: Callable[[EventRow], bool]
    actor: Actor | None = None
    visitor_id: str | None = None
    token_hash: str | None = None
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)
    overflowed: bool = False
    revoked: bool = False

    def revoke(self) -> None:
        self.revoked = True
        self.queue.put_nowait(None)   # wakes the writer, which closes the stream

    def offer(self, item: EventRow | dict) -> None:
        if self.overflowed:
            return
        if self.queue.qsize() >= MAX_BUFFER:
            self.overflowed = True
            self.queue.put_nowait(None)   # wakes the writer, which closes the stream
            return
        self.queue.put_nowait(item)


class Hub:
    def __init__(self) -> None:
        self.subscribers: set[Subscriber] = set()
        self.visitor_streams: dict[str, int] = {}
        self.changed = asyncio.Event()   # pokes the router after any write

    def subscribe(self, sub: Subscriber) -> None:
        self.subscribers.add(sub)
        if sub.visitor_id:
            self.visitor_streams[sub.visitor_id] = self.visitor_streams.get(sub.visitor_id, 0) + 1

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)
        if sub.visitor_id and sub.visitor_id in self.visitor_streams:
            self.visitor_streams[sub.visitor_id] -= 1
            if self.visitor_streams[sub.visitor_id] <= 0:
                del self.visitor_streams[sub.visitor_id]

    def revoke(self, token_hash: str) -> None:
        """Logout: streams opened with this token end at once."""
        for sub in list(self.subscribers):
            if sub.token_hash == token_hash:
                sub.revoke()

    def visitor_connected(self, visitor_id: str) -> bool:
        return visitor_id in self.visitor_streams

    def publish(self, rows: list[EventRow]) -> None:
        for row in rows:
            for sub in self.subscribers:
                if sub.accepts(row):
                    sub.offer(row)
        if rows:
            self.changed.set()

    def send(self, frame: dict, to: Callable[[Subscriber], bool]) -> None:
        """An ephemeral frame (typing): never logged, no event_id."""
        for sub in self.subscribers:
            if to(sub):
                sub.offer(frame)


class Store:
    def __init__(self, db: Database, hub: Hub, keep_events: int = 0):
        self.db, self.hub, self.keep_events = db, hub, keep_events

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[Tx]:
        async with self.db.write_lock:
            with self.db.writer.begin() as sync_conn:
                tx = Tx(Conn(sync_conn))
                yield tx
                if tx.events and self.keep_events:
                    newest = tx.events[-1].event_id
                    await tx.conn.execute(delete(E).where(E.c.event_id <= newest - self.keep_events))
            self.hub.publish(tx.events)      # committed, still under the lock: event_id order

    def read(self):
        return self.db.read()

    def read_offloaded(self):
        return self.db.read_offloaded()

    async def log_bounds(self) -> tuple[int, int]:
        """(oldest kept event_id, newest event_id); (0, 0) for an empty log."""
        async with self.read() as conn:
            lo, hi = (await conn.execute(select(func.min(E.c.event_id), func.max(E.c.event_id)))).one()
        return lo or 0, hi or 0

    async def replay(self, after: int, upto: int, where) -> list[EventRow]:
        rows: list[EventRow] = []
        cursor = after
        while cursor < upto:
            async with self.read() as conn:
                batch = (await conn.execute(
                    select(E).where(and_(E.c.event_id > cursor, E.c.event_id <= upto, where))
                    .order_by(E.c.event_id).limit(1000))).all()
            if not batch:
                break
            rows.extend(EventRow.from_db(r) for r in batch)
            cursor = batch[-1].event_id
        return rows
