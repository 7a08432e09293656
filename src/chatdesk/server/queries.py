"""Reading rows and turning them into wire dicts (the shapes of protocol.models)."""
from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import func, select

from . import schema
from .db import AnyConn

C, O, V, M = schema.conversations, schema.operators, schema.visitors, schema.messages
OPEN_STATES = ("queued", "active")
ONLINE_WINDOW = 120.0        # a visitor without a stream counts as online this long after activity


async def conversation_row(conn: AnyConn, cid: int):
    return (await conn.execute(
        select(C, O.c.name.label("operator_name")).select_from(C.outerjoin(O, O.c.id == C.c.operator_id))
        .where(C.c.id == cid))).first()


def conversation_dict(r) -> dict[str, Any]:
    return {
        "id": r.id, "visitor_id": r.visitor_id, "state": r.state, "department": r.department,
        "operator_id": r.operator_id, "operator_name": r.operator_name or "",
        "tags": json.loads(r.tags), "summary": r.summary, "queued_at": r.queued_at,
        "accepted_at": r.accepted_at, "first_response_at": r.first_response_at,
        "closed_at": r.closed_at, "last_seq": r.last_seq, "auto_assigned": bool(r.auto_assigned),
        "follow_up": r.follow_up, "rating": r.rating,
    }


async def conversation(conn: AnyConn, cid: int) -> dict[str, Any] | None:
    r = await conversation_row(conn, cid)
    return conversation_dict(r) if r else None


async def conversations_where(conn: AnyConn, *where, order_by=(), limit: int | None = None) -> list[dict[str, Any]]:
    """Many conversations in one query (a list of N must not cost N round trips to SQLite)."""
    q = (select(C, O.c.name.label("operator_name")).select_from(C.outerjoin(O, O.c.id == C.c.operator_id))
         .where(*where).order_by(*order_by))
    if limit is not None:
        q = q.limit(limit)
    return [conversation_dict(r) for r in (await conn.execute(q)).all()]


async def visitors_by_id(conn: AnyConn, vids: list[str], connected=lambda vid: False) -> dict[str, dict[str, Any]]:
    rows = (await conn.execute(select(V).where(V.c.id.in_(set(vids))))).all() if vids else []
    return {r.id: visitor_dict(r, connected(r.id)) for r in rows}


async def first_visitor_messages(conn: AnyConn, cids: list[int]) -> dict[int, str]:
    """The first thing each visitor wrote, by conversation (what the queue shows)."""
    if not cids:
        return {}
    first = (select(M.c.conversation_id, func.min(M.c.seq).label("seq"))
             .where(M.c.conversation_id.in_(cids), M.c.author_type == "visitor")
             .group_by(M.c.conversation_id).subquery())
    rows = (await conn.execute(select(M.c.conversation_id, M.c.body).join(
        first, (M.c.conversation_id == first.c.conversation_id) & (M.c.seq == first.c.seq)))).all()
    return {r.conversation_id: r.body for r in rows}


async def visitor_row(conn: AnyConn, vid: str):
    return (await conn.execute(select(V).where(V.c.id == vid))).first()


def visitor_dict(r, connected: bool = False) -> dict[str, Any]:
    now = time.time()
    return {
        "id": r.id, "name": r.name, "email": r.email, "phone": r.phone,
        "first_seen": r.first_seen, "last_seen": r.last_seen, "visit_count": r.visit_count,
        "returning": r.visit_count > 1, "current_url": r.current_url, "current_title": r.current_title,
        "referrer": r.referrer, "time_on_site": max(0.0, r.last_seen - r.visit_started_at),
        "last_operator_id": r.last_operator_id,
        "online": connected or (now - r.last_seen) < ONLINE_WINDOW,
    }


async def visitor(conn: AnyConn, vid: str, connected: bool = False) -> dict[str, Any] | None:
    r = await visitor_row(conn, vid)
    return visitor_dict(r, connected) if r else None


async def active_count(conn: AnyConn, operator_id: int) -> int:
    return (await conn.execute(select(func.count()).select_from(C)
                               .where(C.c.operator_id == operator_id, C.c.state == "active"))).scalar_one()


def operator_dict(r, active: int) -> dict[str, Any]:
    return {
        "id": r.id, "email": r.email, "name": r.name, "role": r.role, "status": r.status,
        "max_chats": r.max_chats, "active_chats": active, "departments": json.loads(r.departments),
        "novice": bool(r.novice), "approval_required": bool(r.approval_required),
    }


async def operator_row(conn: AnyConn, oid: int):
    return (await conn.execute(select(O).where(O.c.id == oid))).first()


async def operator(conn: AnyConn, oid: int) -> dict[str, Any] | None:
    r = await operator_row(conn, oid)
    return operator_dict(r, await active_count(conn, oid)) if r else None


async def all_operators(conn: AnyConn) -> list[dict[str, Any]]:
    counts = dict((await conn.execute(
        select(C.c.operator_id, func.count()).where(C.c.state == "active").group_by(C.c.operator_id))).all())
    rows = (await conn.execute(select(O).order_by(O.c.name, O.c.id))).all()
    return [operator_dict(r, counts.get(r.id, 0)) for r in rows]


def message_dict(r) -> dict[str, Any]:
    return {
        "id": r.id, "conversation_id": r.conversation_id, "seq": r.seq, "client_msg_id": r.client_msg_id,
        "author_type": r.author_type, "author_id": r.author_id, "author_name": r.author_name,
        "kind": r.kind, "body": r.body, "ts": r.ts,
    }


async def messages(conn: AnyConn, cid: int, visitor_view: bool = False) -> list[dict[str, Any]]:
    q = select(M).where(M.c.conversation_id == cid)
    if visitor_view:
        q = q.where(M.c.kind.in_(("text", "system")))
    return [message_dict(r) for r in (await conn.execute(q.order_by(M.c.seq))).all()]


async def message_page(conn: AnyConn, cid: int, *, last: int | None = None,
                       after_seq: int | None = None, before_seq: int | None = None) -> tuple[list[dict[str, Any]], bool]:
    """Messages with after_seq < seq < before_seq (either bound optional), only the newest `last`
    of them when given, in seq order; and whether any message is older than the first returned
    (so a desk can open a 100,000-message chat with its last page and fetch the rest on scroll)."""
    q = select(M).where(M.c.conversation_id == cid)
    if after_seq is not None:
        q = q.where(M.c.seq > after_seq)
    if before_seq is not None:
        q = q.where(M.c.seq < before_seq)
    if last is None:
        rows = (await conn.execute(q.order_by(M.c.seq))).all()
    else:
        rows = list(reversed((await conn.execute(q.order_by(M.c.seq.desc()).limit(last))).all()))
    if rows:
        first = rows[0].seq
    elif before_seq is not None:
        first = before_seq
    else:
        first = None if after_seq is None else after_seq + 1
    older = first is not None and (await conn.execute(
        select(M.c.id).where(M.c.conversation_id == cid, M.c.seq < first).limit(1))).first() is not None
    return [message_dict(r) for r in rows], older


async def open_conversation_id(conn: AnyConn, vid: str) -> int | None:
    return (await conn.execute(select(C.c.id).where(C.c.visitor_id == vid, C.c.state.in_(OPEN_STATES))
                               .order_by(C.c.id.desc()).limit(1))).scalar()
