"""The supervisor board: every operator's load and responsiveness, the queue, missed chats today.
One read snapshot; the desk refetches it when events say a figure changed (docs/protocol.md)."""
from __future__ import annotations

import time
from typing import Any

from sqlalchemy import and_, func, select

from . import queries, schema
from .stats import median

C, M, O, V, A = schema.conversations, schema.messages, schema.operators, schema.visitors, schema.approvals


async def waiting_since(conn, cids: list[int]) -> dict[int, float]:
    """Per conversation: the oldest visitor message after the last operator text reply."""
    if not cids:
        return {}
    last_reply = (select(M.c.conversation_id, func.max(M.c.seq).label("seq"))
                  .where(M.c.conversation_id.in_(cids), M.c.author_type == "operator", M.c.kind == "text")
                  .group_by(M.c.conversation_id).subquery())
    rows = (await conn.execute(
        select(M.c.conversation_id, func.min(M.c.ts))
        .select_from(M.outerjoin(last_reply, last_reply.c.conversation_id == M.c.conversation_id))
        .where(M.c.conversation_id.in_(cids), M.c.author_type == "visitor",
               M.c.seq > func.coalesce(last_reply.c.seq, 0))
        .group_by(M.c.conversation_id))).all()
    return {cid: ts for cid, ts in rows}


async def board(conn, *, since: float, queue: list[dict[str, Any]]) -> dict[str, Any]:
    ops = await queries.all_operators(conn)
    active = (await conn.execute(select(C.c.id, C.c.operator_id, V.c.name).join(V, V.c.id == C.c.visitor_id)
                                 .where(C.c.state == "active"))).all()
    waits = await waiting_since(conn, [r.id for r in active])
    longest: dict[int, dict[str, Any]] = {}
    for r in active:
        ts = waits.get(r.id)
        if ts is not None and (r.operator_id not in longest or ts < longest[r.operator_id]["waiting_since"]):
            longest[r.operator_id] = {"conversation_id": r.id, "visitor_name": r.name, "waiting_since": ts}
    firsts: dict[int, list[float]] = {}
    for oid, queued, first in (await conn.execute(
            select(C.c.operator_id, C.c.queued_at, C.c.first_response_at)
            .where(C.c.first_response_at >= since, C.c.operator_id.is_not(None)))).all():
        firsts.setdefault(oid, []).append(max(0.0, first - queued))
    pending = dict((await conn.execute(select(A.c.author_id, func.count()).where(A.c.state == "pending")
                                       .group_by(A.c.author_id))).all())
    rows = []
    for op in ops:
        times = firsts.get(op["id"], [])
        rows.append({**{k: op[k] for k in ("id", "name", "role", "status", "active_chats", "max_chats",
                                           "novice", "approval_required")},
                     "first_response_median": median(times), "first_responses": len(times),
                     "longest_wait": longest.get(op["id"]), "pending_approvals": pending.get(op["id"], 0)})
    missed_q = and_(C.c.state == "missed", C.c.closed_at >= since)
    missed_n = (await conn.execute(select(func.count()).select_from(C).where(missed_q))).scalar_one()
    missed_ids = (await conn.execute(select(C.c.id).where(missed_q).order_by(C.c.closed_at.desc())
                                     .limit(100))).scalars().all()
    return {"generated_at": time.time(), "since": since, "operators": rows, "queue": queue,
            "missed_today": missed_n, "missed": [await queries.conversation(conn, i) for i in missed_ids],
            "pending_approvals": sum(pending.values())}
