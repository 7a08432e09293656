"""The event log: every durable change and its event, in one transaction.

`Store.tx()` is the only way to change data: one serial transaction in which every durable change
writes its event (global event_id, per-conversation gap-free seq, visibility columns). After the
commit, before the next write begins (the Database's `on_commit`), the events go to the Hub
through the Fanout (fanout.py, which also brings other processes' events), so every subscriber
receives them in event_id order and never before they are durable. The event_id is the engine's
(storage/engine.py, `next_event_id`): commit-ordered and dense on both.
"""
from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import and_, delete, func, insert, or_, select, true, update

from chatdesk.protocol import events as ev

from ..security.tokens import Actor
from ..storage import schema
from ..storage.db import AnyConn
from ..storage.engine import Database
from ..storage.rows import visitor_view
from .fanout import Fanout
from .hub import Hub

E = schema.events
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
        return cls(r.event_id, r.type, r.conversation_id, r.seq, r.ts, r.data,
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
            conv = visitor_view(self.data.get("conversation", {}))
            data = {"conversation": conv}
        return {**self.frame(), "data": data}


def operator_filter(actor: Actor):
    """SQL twin of EventRow.visible_to, for replay."""
    if actor.is_staff:
        return true()
    return or_(E.c.all_operators.is_(True), E.c.op1 == actor.id, E.c.op2 == actor.id)


class Outgoing(Protocol):
    """The outbox's enqueue side (server/outbox/enqueue.py): deliveries written with their event."""

    async def enqueue_for(self, tx: "Tx", row: EventRow) -> int: ...

    def announce(self) -> None: ...


class Tx:
    """One write transaction. Collects the events it writes so they can be published after commit,
    and writes each event's outgoing deliveries in the same transaction."""

    def __init__(self, conn: AnyConn, outbox: Outgoing | None = None, db: Database | None = None):
        self.conn = conn
        self.db = db
        self.events: list[EventRow] = []
        self.outbox = outbox
        self.queued = 0          # deliveries written: the worker is told after the commit

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
        event_id = await self.db.next_event_id(self.conn) if self.db is not None else None
        values = dict(type=type_, conversation_id=conversation_id, seq=seq, ts=ts, data=data,
                      client_msg_id=client_msg_id, all_operators=all_operators, op1=op1, op2=op2,
                      visitor_id=visitor_id)
        if event_id is not None:
            values["event_id"] = event_id
        res = await self.conn.execute(insert(E).values(**values))
        row = EventRow(event_id or res.inserted_primary_key[0], type_, conversation_id, seq, ts, data,
                       client_msg_id, all_operators, op1, op2, visitor_id)
        self.events.append(row)
        if self.outbox is not None:        # the single hook point: every durable event passes here
            self.queued += await self.outbox.enqueue_for(self, row)
        return row


class Store:
    def __init__(self, db: Database, hub: Hub, keep_events: int = 0, outbox: Outgoing | None = None):
        self.db, self.hub, self.keep_events, self.outbox = db, hub, keep_events, outbox
        self.fanout = Fanout(hub, self.read, EventRow.from_db)    # committed events to the hub, once each, in order

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[Tx]:
        written: list[Tx] = []

        def published() -> None:             # committed, before the next write: event_id order
            tx = written[0]
            self.fanout.committed(tx.events)
            if tx.queued and self.outbox is not None:
                self.outbox.announce()       # committed: the deliveries may go

        async with self.db.write(on_commit=published) as conn:
            tx = Tx(conn, self.outbox, self.db)
            written.append(tx)
            yield tx
            if tx.events and self.keep_events:
                newest = tx.events[-1].event_id
                await tx.conn.execute(delete(E).where(E.c.event_id <= newest - self.keep_events))

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
