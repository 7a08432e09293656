"""Who gets which chat: manual accept with cap checks, transfers, and the auto-assign router
(least-loaded online operator under cap, sticky to the visitor's last operator), plus the background
sweeps (requeue unanswered auto-assigned chats, mark chats missed when the visitor has gone).

Race safety: every change runs in one serial write transaction (events.Store.tx), and the accept
itself is a conditional `UPDATE ... WHERE state = 'queued'`; if that touches no row, nothing changes.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import func, select, update

from chatdesk.protocol import events as ev
from chatdesk.protocol.limits import MAX_ID

from ..eventlog.log import Tx
from ..security.tokens import Actor
from ..storage import rows as queries
from ..storage import schema
from . import handoffs
from .conversations import emit_conversation, load_for_update, require_open
from .errors import Invalid, conflict, forbidden, not_found

log = logging.getLogger("chatdesk.server.routing")
C, OP, V = schema.conversations, schema.operators, schema.visitors
NOT_TAKING = {"away": "away", "on_phone": "on the phone", "offline": "offline"}


def _plural(n: int) -> str:
    return f"{n} chat" if n == 1 else f"{n} chats"


async def check_can_take(tx: Tx, op, *, yourself: bool) -> None:
    """409 with a sentence when this operator may not get another chat now."""
    if op.status != "online":
        state = NOT_TAKING.get(op.status, op.status)
        raise conflict("not_available",
                       f"You are {state}; set your status to online to take chats." if yourself
                       else f"{op.name} is {state} and cannot take chats right now.")
    active = await queries.active_count(tx.conn, op.id)
    if active >= op.max_chats:
        raise conflict("cap_reached",
                       f"You already hold {_plural(active)}, your limit is {op.max_chats}." if yourself
                       else f"{op.name} already holds {_plural(active)}; their limit is {op.max_chats}.")


async def _give(tx: Tx, conv: dict[str, Any], op_id: int, *, auto: bool, accepted: bool) -> None:
    now = time.time()
    values: dict[str, Any] = {"state": "active", "operator_id": op_id, "assigned_at": now,
                              "answered": False, "auto_assigned": auto}
    if accepted or auto:
        values["accepted_at"] = conv["accepted_at"] or now
    # Conditional: only if nobody changed the chat since we looked (e.g. a second accept).
    res = await tx.conn.execute(update(C).where(
        C.c.id == conv["id"], C.c.state == conv["state"],
        C.c.operator_id.is_not_distinct_from(conv["operator_id"])).values(**values))
    if res.rowcount != 1:
        raise conflict("already_taken", "Someone else took this chat a moment ago.")
    await tx.conn.execute(update(V).where(V.c.id == conv["visitor_id"]).values(last_operator_id=op_id))
    await tx.conn.execute(update(OP).where(OP.c.id == op_id).values(last_assigned_at=now))


async def accept(tx: Tx, cid: int, actor: Actor) -> dict[str, Any]:
    conv = await load_for_update(tx, cid)
    if conv["state"] == "active" and conv["operator_id"] == actor.id:
        return conv                                   # accepting twice is harmless
    if conv["state"] == "active":
        raise conflict("already_taken", f"{conv['operator_name'] or 'Another operator'} already took this chat.")
    require_open(conv)
    op = await queries.operator_row(tx.conn, actor.id)
    await check_can_take(tx, op, yourself=True)
    seq = await tx.next_seq(cid)
    await _give(tx, conv, actor.id, auto=False, accepted=True)
    row = await emit_conversation(tx, ev.CONVERSATION_ASSIGNED, cid, seq=seq, everyone=True)
    return row.data["conversation"]


async def transfer(tx: Tx, cid: int, actor: Actor, *, operator_id: int | None,
                   department: str | None, note: str) -> dict[str, Any]:
    conv = await load_for_update(tx, cid)
    require_open(conv)
    if not actor.is_staff and conv["operator_id"] != actor.id:
        raise forbidden("Only the operator holding this chat, or a supervisor, can transfer it.")
    was_queued, from_id = conv["state"] == "queued", conv["operator_id"]
    extra = {"note": note, "from_operator_id": from_id, "by": {"id": actor.id, "name": actor.name}}
    from_name = conv["operator_name"] or None if from_id is not None else None
    if operator_id is not None:
        target = await queries.operator_row(tx.conn, operator_id) if 0 < operator_id < MAX_ID else None
        if target is None:
            raise not_found(f"operator {operator_id}")
        if target.id == from_id:
            raise conflict("same_operator", f"{target.name} already holds this chat.")
        await check_can_take(tx, target, yourself=target.id == actor.id)
        seq = await tx.next_seq(cid)
        await _give(tx, conv, target.id, auto=False, accepted=False)
        line = handoffs.transferred(actor, from_name, to_operator=target.name, note=note)
    elif department:
        known = (await tx.conn.execute(select(schema.departments.c.name)
                                       .where(schema.departments.c.name == department))).scalar()
        if known is None:
            raise not_found(f"department called '{department}'")
        seq = await tx.next_seq(cid)
        await tx.conn.execute(update(C).where(C.c.id == cid).values(
            state="queued", operator_id=None, department=department, assigned_at=None,
            auto_assigned=False, answered=False))
        line = handoffs.transferred(actor, from_name, to_department=department, note=note)
    else:
        raise Invalid("Give an operator_id or a department to transfer to.")
    row = await emit_conversation(tx, ev.CONVERSATION_TRANSFERRED, cid, seq=seq, extra_ops=(from_id,),
                                  everyone=was_queued, extra=extra)
    await handoffs.record(tx, cid, actor, line)
    return row.data["conversation"]


# --- auto-assign --------------------------------------------------------------------------------

async def available_operators(conn) -> list[tuple[Any, int]]:
    counts = dict((await conn.execute(select(C.c.operator_id, func.count())
                                      .where(C.c.state == "active").group_by(C.c.operator_id))).all())
    rows = (await conn.execute(select(OP).where(OP.c.status == "online"))).all()
    return [(r, counts.get(r.id, 0)) for r in rows if counts.get(r.id, 0) < r.max_chats]


def pick_operator(available: list[tuple[Any, int]], conv, last_operator_id: int | None):
    skip = set(conv.skip_operators)
    candidates = [(r, n) for r, n in available if r.id not in skip]
    if not candidates:
        return None
    for r, _ in candidates:
        if r.id == last_operator_id:
            return r                                    # sticky: the visitor's last operator
    if conv.department:
        in_dept = [(r, n) for r, n in candidates if conv.department in r.departments]
        candidates = in_dept or candidates
    return min(candidates, key=lambda rn: (rn[1], rn[0].last_assigned_at, rn[0].id))[0]


async def route_queued(tx: Tx) -> int:
    """Assign queued chats, oldest first. Returns how many were assigned."""
    assigned = 0
    queued = (await tx.conn.execute(select(C, V.c.last_operator_id.label("last_op"))
                                    .join(V, V.c.id == C.c.visitor_id)
                                    .where(C.c.state == "queued").order_by(C.c.queued_at, C.c.id))).all()
    for conv in queued:
        available = await available_operators(tx.conn)
        if not available:
            break
        op = pick_operator(available, conv, conv.last_op)
        if op is None:
            continue
        seq = await tx.next_seq(conv.id)
        await _give(tx, {"id": conv.id, "state": "queued", "operator_id": None,
                         "accepted_at": conv.accepted_at, "visitor_id": conv.visitor_id},
                    op.id, auto=True, accepted=False)
        await emit_conversation(tx, ev.CONVERSATION_ASSIGNED, conv.id, seq=seq, everyone=True)
        assigned += 1
    return assigned


async def requeue(tx: Tx, conv) -> None:
    skip = sorted(set(conv.skip_operators) | {conv.operator_id})
    seq = await tx.next_seq(conv.id)
    await tx.conn.execute(update(C).where(C.c.id == conv.id).values(
        state="queued", operator_id=None, assigned_at=None, auto_assigned=False, answered=False,
        skip_operators=skip))
    await emit_conversation(tx, ev.CONVERSATION_REQUEUED, conv.id, seq=seq, extra_ops=(conv.operator_id,),
                            everyone=True, extra={"from_operator_id": conv.operator_id,
                                                  "reason": "unanswered"})
