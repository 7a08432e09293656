"""The supervisor board: every operator's load and responsiveness, the queue, missed chats today.
One read snapshot; the desk refetches it when events say a figure changed (docs/protocol.md)."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, func, select

from ..storage import rows as queries
from ..storage import schema
from ..storage.db import AnyConn
from . import work_items
from .operator_views import queue_entries
from .stats import first_reply_message, median, today_start

C, M, OP, V, A = schema.conversations, schema.messages, schema.operators, schema.visitors, schema.approvals
MISSED_LIMIT = 100


async def waiting_since(conn: AnyConn, cids: list[int]) -> dict[int, float]:
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


async def board(conn: AnyConn, *, since: float | None, connected: Callable[[str], bool]) -> dict[str, Any]:
    """The Board shape; `since` defaults to today's start (server local time)."""
    since = since if since is not None else today_start()
    queue = await queue_entries(conn, connected)
    ops = await queries.all_operators(conn)
    live = await queries.conversations_where(conn, C.c.state == "active", order_by=(C.c.queued_at, C.c.id))
    names = await visitor_names(conn, [c["visitor_id"] for c in live])
    waits = await waiting_since(conn, [c["id"] for c in live])
    longest: dict[int, dict[str, Any]] = {}
    for c in live:
        ts, oid = waits.get(c["id"]), c["operator_id"]
        if ts is not None and (oid not in longest or ts < longest[oid]["waiting_since"]):
            longest[oid] = {"conversation_id": c["id"], "visitor_name": names.get(c["visitor_id"], ""),
                            "waiting_since": ts}
    # The first reply counts for whoever sent it (its message has the conversation's
    # first_response_at as its time), not for whoever holds the chat after a transfer.
    firsts: dict[int, list[float]] = {}
    for oid, queued, first in (await conn.execute(
            select(M.c.author_id, C.c.queued_at, C.c.first_response_at).distinct()
            .select_from(C.join(M, first_reply_message())).where(C.c.first_response_at >= since))).all():
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
    missed = await missed_chats(conn, await queries.conversations_where(
        conn, missed_q, order_by=(C.c.closed_at.desc(),), limit=MISSED_LIMIT), connected)
    return {"generated_at": time.time(), "since": since, "operators": rows, "queue": queue,
            "live": [{**c, "visitor_name": names.get(c["visitor_id"], "")} for c in live],
            "missed_today": missed_n, "missed": missed, "pending_approvals": sum(pending.values()),
            **await work_items.board_figures(conn, time.time())}


async def missed_chats(conn: AnyConn, convs: list[dict[str, Any]],
                       connected: Callable[[str], bool]) -> list[dict[str, Any]]:
    """MissedChat shapes: who it was, what they wrote first, where they were, whether they are
    on the site now (their widget holds a stream open), so the board can follow one up."""
    visitors = await queries.visitors_by_id(conn, [c["visitor_id"] for c in convs], connected)
    firsts = await queries.first_visitor_messages(conn, [c["id"] for c in convs])
    out = []
    for c in convs:
        v = visitors.get(c["visitor_id"]) or {}
        out.append({**c, "visitor_name": v.get("name", ""), "first_message": firsts.get(c["id"], ""),
                    "page_url": v.get("current_url", ""), "page_title": v.get("current_title", ""),
                    "visitor_online": bool(v.get("online")), "visitor_last_seen": v.get("last_seen")})
    return out


async def visitor_names(conn: AnyConn, vids: list[str]) -> dict[str, str]:
    if not vids:
        return {}
    return dict((await conn.execute(select(V.c.id, V.c.name).where(V.c.id.in_(set(vids))))).all())
