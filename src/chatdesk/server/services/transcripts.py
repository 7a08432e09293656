"""Transcript review: search closed conversations (full-text over message bodies:
transcript_search.py), read one with its journey and reviews, and store the visitor's rating (the
export is transcript_export.py)."""
from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Select, exists, func, insert, select, update

from ..security.tokens import Actor
from ..storage import rows as queries
from ..storage import schema
from ..storage.db import AnyConn
from . import transcript_search, work_items
from .errors import Invalid, forbidden, not_found

C, M, V, PV, R = (schema.conversations, schema.messages, schema.visitors, schema.pageviews,
                  schema.reviews)
LIMIT = 200


async def search(conn, *, q: str | None, operator_id: int | None, tag: str | None, since: float | None,
                 until: float | None, rating: int | None, mark: str | None) -> list[dict[str, Any]]:
    query = select(C.c.id).where(C.c.state == "closed")
    if operator_id is not None:
        query = query.where(C.c.operator_id == operator_id)
    if since is not None:
        query = query.where(C.c.closed_at >= since)
    if until is not None:
        query = query.where(C.c.closed_at < until)
    if rating is not None:
        query = query.where(C.c.rating == rating)
    dialect = conn.dialect.name
    if tag:
        query = query.where(transcript_search.has_tag(dialect, tag))
    if mark:
        query = query.where(exists().where(R.c.conversation_id == C.c.id, R.c.mark == mark))
    hits = transcript_search.matching_messages(dialect, q) if q else None
    if q and hits is None:
        return []
    if hits is not None:
        query = query.where(exists().where(M.c.conversation_id == C.c.id, M.c.id.in_(hits)))
    ids = list((await conn.execute(query.order_by(C.c.closed_at.desc(), C.c.id.desc()).limit(LIMIT))).scalars())
    return await _summaries(conn, ids, hits)


async def _summaries(conn: AnyConn, ids: list[int], hits: Select | None) -> list[dict[str, Any]]:
    """TranscriptSummary shapes for these conversations, in this order: six queries for any number."""
    if not ids:
        return []
    convs = {c["id"]: c for c in await queries.conversations_where(conn, C.c.id.in_(ids))}
    names = dict((await conn.execute(select(C.c.id, V.c.name).join(V, V.c.id == C.c.visitor_id)
                                     .where(C.c.id.in_(ids)))).all())
    counts = dict((await conn.execute(select(M.c.conversation_id, func.count()).where(M.c.conversation_id.in_(ids))
                                      .group_by(M.c.conversation_id))).all())
    marks: dict[int, list[str]] = {}
    for cid, mark in (await conn.execute(select(R.c.conversation_id, R.c.mark).where(
            R.c.conversation_id.in_(ids), R.c.mark.is_not(None)).order_by(R.c.id))).all():
        marks.setdefault(cid, []).append(mark)
    orders_t = schema.orders
    sold = {cid: (n, value, currency) for cid, n, value, currency in (await conn.execute(
        select(orders_t.c.conversation_id, func.count(), func.sum(orders_t.c.value), func.min(orders_t.c.currency))
        .where(orders_t.c.conversation_id.in_(ids)).group_by(orders_t.c.conversation_id))).all()}
    snippets: dict[int, str] = {}
    if hits is not None:
        n = func.row_number().over(partition_by=M.c.conversation_id, order_by=M.c.seq).label("n")
        sub = select(M.c.conversation_id, M.c.body, n).where(M.c.conversation_id.in_(ids), M.c.id.in_(hits)).subquery()
        snippets = dict((await conn.execute(select(sub.c.conversation_id, sub.c.body).where(sub.c.n == 1))).all())
    return [{"conversation": convs[cid], "visitor_name": names.get(cid) or "", "message_count": counts.get(cid, 0),
             "marks": list(dict.fromkeys(marks.get(cid, []))), "snippet": (snippets.get(cid) or "")[:300],
             **_sold(sold.get(cid))}
            for cid in ids if cid in convs]


def _sold(row: tuple[int, float, str] | None) -> dict[str, Any]:
    if row is None:
        return {"orders": 0, "revenue": 0.0, "currency": ""}
    n, value, currency = row
    return {"orders": n, "revenue": round(float(value or 0.0), 2), "currency": currency or ""}


def searchable_operator(actor: Actor, operator_id: int | None) -> int | None:
    """Whose transcripts the actor may search: anyone's for staff, only their own otherwise."""
    if actor.is_staff:
        return operator_id
    if operator_id is not None and operator_id != actor.id:
        raise forbidden("You can search only your own transcripts.")
    return actor.id


async def readable_transcript(conn, cid: int, actor) -> dict[str, Any]:
    """A closed chat, for staff and the operator who held it; and for whoever claimed a work item
    that came from it, also a missed one (they call the visitor back and need the context)."""
    conv = await queries.conversation(conn, cid)
    follows_up = conv is not None and await work_items.follows_up(conn, actor.id, cid)
    if conv is None or not (conv["state"] == "closed" or (conv["state"] == "missed" and follows_up)):
        raise not_found(f"closed conversation {cid}")
    if not actor.is_staff and conv["operator_id"] != actor.id and not follows_up:
        raise forbidden("This transcript belongs to another operator; you can read only your own.")
    return conv


async def journey(conn, vid: str, start: float, end: float | None) -> list[dict[str, Any]]:
    """Page views of the visit the chat happened in, up to its end."""
    before = (await conn.execute(select(PV.c.visit_no).where(PV.c.visitor_id == vid, PV.c.ts <= start)
                                 .order_by(PV.c.id.desc()).limit(1))).scalar()
    if before is None:
        return []
    q = select(PV).where(PV.c.visitor_id == vid, PV.c.visit_no == before)
    if end is not None:
        q = q.where(PV.c.ts <= end)
    rows = (await conn.execute(q.order_by(PV.c.id).limit(500))).all()
    return [{"url": p.url, "title": p.title, "referrer": p.referrer, "ts": p.ts} for p in rows]


async def detail(conn, conv: dict[str, Any]) -> dict[str, Any]:
    cid = conv["id"]
    visitor = await queries.visitor(conn, conv["visitor_id"])
    reviews = (await conn.execute(select(R).where(R.c.conversation_id == cid).order_by(R.c.id))).all()
    comment = (await conn.execute(select(C.c.rating_comment).where(C.c.id == cid))).scalar() or ""
    return {"conversation": conv, "visitor": visitor,
            "journey": await journey(conn, conv["visitor_id"], conv["queued_at"], conv["closed_at"]),
            "messages": await queries.messages(conn, cid), "reviews": [queries.review_dict(r) for r in reviews],
            "rating_comment": comment}


async def add_review(conn: AnyConn, cid: int, actor: Actor, mark: str | None, note: str) -> dict[str, Any]:
    if mark is None and not note.strip():
        raise Invalid("Give a mark (best or worst) or a note.")
    await readable_transcript(conn, cid, actor)
    if mark is not None:
        # One mark per transcript: the newest replaces any other (earlier notes stay).
        await conn.execute(update(R).where(R.c.conversation_id == cid, R.c.mark.is_not(None), R.c.mark != mark)
                           .values(mark=None))
    res = await conn.execute(insert(R).values(conversation_id=cid, reviewer_id=actor.id, reviewer_name=actor.name,
                                              mark=mark, note=note, ts=time.time()))
    row = (await conn.execute(select(R).where(R.c.id == res.inserted_primary_key[0]))).first()
    return queries.review_dict(row)


async def rate(conn, cid: int, rating: int, comment: str) -> None:
    await conn.execute(update(C).where(C.c.id == cid).values(rating=rating, rating_comment=comment,
                                                             rated_at=time.time()))
