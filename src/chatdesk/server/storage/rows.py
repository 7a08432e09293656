"""Rows to wire shapes, in one place: each table's row becomes the dict of its protocol model
(chatdesk.protocol.models / staff), and the reads that many callers share. A list of N is read
in a fixed number of queries, never one per item."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import Row, func, or_, select

from . import schema
from .db import AnyConn

C, OP, V, M = schema.conversations, schema.operators, schema.visitors, schema.messages
PV, N, A, CR, R = (schema.pageviews, schema.visitor_notes, schema.approvals, schema.canned_replies,
                   schema.reviews)
OPEN_STATES = ("queued", "active")
ONLINE_WINDOW = 120.0        # a visitor without a stream counts as online this long after activity
JOURNEY_LIMIT, PAST_LIMIT = 500, 100

Json = dict[str, Any]
T = TypeVar("T")

# What a visitor may see of their conversation: everything except these operator-only fields.
VISITOR_HIDDEN = frozenset({"tags", "summary", "follow_up", "auto_assigned", "department"})


def visitor_view(conv: Json) -> Json:
    """A conversation as its visitor may see it (their REST answers and their stream)."""
    return {k: v for k, v in conv.items() if k not in VISITOR_HIDDEN}


def never_connected(_vid: str) -> bool:
    return False


def must_exist(value: T | None, what: str) -> T:
    """`value`, read back from a row the caller knows is there (it wrote the row or read it earlier in
    the same transaction; rows are never deleted). None is a bug, so a 500, never a refusal."""
    if value is None:
        raise LookupError(f"{what} vanished inside the transaction that holds it")
    return value


# --- conversations --------------------------------------------------------------------------------

def _with_operator_name() -> Any:
    return select(C, OP.c.name.label("operator_name")).select_from(C.outerjoin(OP, OP.c.id == C.c.operator_id))


def conversation_dict(r: Row[Any]) -> Json:
    return {
        "id": r.id, "visitor_id": r.visitor_id, "state": r.state, "department": r.department,
        "operator_id": r.operator_id, "operator_name": r.operator_name or "",
        "tags": list(r.tags), "summary": r.summary, "queued_at": r.queued_at,
        "accepted_at": r.accepted_at, "first_response_at": r.first_response_at,
        "closed_at": r.closed_at, "last_seq": r.last_seq, "auto_assigned": bool(r.auto_assigned),
        "follow_up": r.follow_up, "rating": r.rating,
    }


async def conversation(conn: AnyConn, cid: int) -> Json | None:
    r = (await conn.execute(_with_operator_name().where(C.c.id == cid))).first()
    return conversation_dict(r) if r else None


async def known_conversation(conn: AnyConn, cid: int) -> Json:
    """A conversation whose id the caller has from this transaction (see `must_exist`)."""
    return must_exist(await conversation(conn, cid), f"conversation {cid}")


async def conversations_where(conn: AnyConn, *where: Any, order_by: Iterable[Any] = (),
                              limit: int | None = None) -> list[Json]:
    q = _with_operator_name().where(*where).order_by(*order_by)
    if limit is not None:
        q = q.limit(limit)
    return [conversation_dict(r) for r in (await conn.execute(q)).all()]


async def open_conversation_id(conn: AnyConn, vid: str) -> int | None:
    cid: int | None = (await conn.execute(
        select(C.c.id).where(C.c.visitor_id == vid, C.c.state.in_(OPEN_STATES))
        .order_by(C.c.id.desc()).limit(1))).scalar()
    return cid


def past_conversation_dict(r: Row[Any]) -> Json:
    return {"id": r.id, "state": r.state, "operator_name": r.operator_name or "", "summary": r.summary,
            "tags": list(r.tags), "queued_at": r.queued_at, "closed_at": r.closed_at}


# --- visitors -------------------------------------------------------------------------------------

def visitor_dict(r: Row[Any], connected: bool = False) -> Json:
    now = time.time()
    return {
        "id": r.id, "name": r.name, "email": r.email, "phone": r.phone,
        "first_seen": r.first_seen, "last_seen": r.last_seen, "visit_count": r.visit_count,
        "returning": r.visit_count > 1, "current_url": r.current_url, "current_title": r.current_title,
        "referrer": r.referrer, "time_on_site": max(0.0, r.last_seen - r.visit_started_at),
        "last_operator_id": r.last_operator_id,
        "online": connected or (now - r.last_seen) < ONLINE_WINDOW,
    }


async def visitor_row(conn: AnyConn, vid: str) -> Row[Any] | None:
    return (await conn.execute(select(V).where(V.c.id == vid))).first()


async def visitor(conn: AnyConn, vid: str, connected: bool = False) -> Json | None:
    r = await visitor_row(conn, vid)
    return visitor_dict(r, connected) if r else None


async def visitors_by_id(conn: AnyConn, vids: list[str],
                         connected: Callable[[str], bool] = never_connected) -> dict[str, Json]:
    found = (await conn.execute(select(V).where(V.c.id.in_(set(vids))))).all() if vids else []
    return {r.id: visitor_dict(r, connected(r.id)) for r in found}


def pageview_dict(r: Row[Any]) -> Json:
    return {"url": r.url, "title": r.title, "referrer": r.referrer, "ts": r.ts}


def note_dict(r: Row[Any]) -> Json:
    return {"id": r.id, "body": r.body, "author_id": r.author_id, "author_name": r.author_name, "ts": r.ts}


def _first_per(partition: Any, order: Any, limit: int, q: Any) -> Any:
    """The first `limit` rows of `q` per `partition`, in `order` (one query for every partition)."""
    n = func.row_number().over(partition_by=partition, order_by=order).label("n")
    sub = q.add_columns(n).subquery()
    return select(sub).where(sub.c.n <= limit).order_by(sub.c.n)


async def visitor_details(conn: AnyConn, vids: list[str],
                          connected: Callable[[str], bool] = never_connected) -> dict[str, Json]:
    """VisitorDetail shapes: the visitor, their current visit's page views, their conversations
    (newest first) and the notes about them. Five queries, however many visitors."""
    out = {vid: {**v, "pageviews": [], "past_conversations": [], "notes": []}
           for vid, v in (await visitors_by_id(conn, vids, connected)).items()}
    if not out:
        return out
    ids = list(out)
    current = select(PV).join(V, (V.c.id == PV.c.visitor_id) & (PV.c.visit_no == V.c.visit_count)) \
        .where(PV.c.visitor_id.in_(ids))
    for p in (await conn.execute(_first_per(PV.c.visitor_id, PV.c.id, JOURNEY_LIMIT, current))).all():
        out[p.visitor_id]["pageviews"].append(pageview_dict(p))
    past = _with_operator_name().where(C.c.visitor_id.in_(ids))
    for c in (await conn.execute(_first_per(C.c.visitor_id, C.c.id.desc(), PAST_LIMIT, past))).all():
        out[c.visitor_id]["past_conversations"].append(past_conversation_dict(c))
    for n in (await conn.execute(select(N).where(N.c.visitor_id.in_(ids)).order_by(N.c.id))).all():
        out[n.visitor_id]["notes"].append(note_dict(n))
    return out


# --- operators ------------------------------------------------------------------------------------

def operator_dict(r: Row[Any], active: int) -> Json:
    return {
        "id": r.id, "email": r.email, "name": r.name, "role": r.role, "status": r.status,
        "max_chats": r.max_chats, "active_chats": active, "departments": list(r.departments),
        "novice": bool(r.novice), "approval_required": bool(r.approval_required),
    }


async def active_count(conn: AnyConn, operator_id: int) -> int:
    n: int = (await conn.execute(select(func.count()).select_from(C).where(
        C.c.operator_id == operator_id, C.c.state == "active"))).scalar_one()
    return n


async def active_counts(conn: AnyConn) -> dict[int, int]:
    """Active chats per operator id (operators without any are left out)."""
    return {oid: n for oid, n in (await conn.execute(
        select(C.c.operator_id, func.count()).where(C.c.state == "active").group_by(C.c.operator_id))).all()}


async def operator_row(conn: AnyConn, oid: int) -> Row[Any] | None:
    return (await conn.execute(select(OP).where(OP.c.id == oid))).first()


async def operator(conn: AnyConn, oid: int) -> Json | None:
    r = await operator_row(conn, oid)
    return operator_dict(r, await active_count(conn, oid)) if r else None


async def all_operators(conn: AnyConn) -> list[Json]:
    counts = await active_counts(conn)
    found = (await conn.execute(select(OP).order_by(OP.c.name, OP.c.id))).all()
    return [operator_dict(r, counts.get(r.id, 0)) for r in found]


# --- messages -------------------------------------------------------------------------------------

def message_dict(r: Row[Any]) -> Json:
    return {
        "id": r.id, "conversation_id": r.conversation_id, "seq": r.seq, "client_msg_id": r.client_msg_id,
        "author_type": r.author_type, "author_id": r.author_id, "author_name": r.author_name,
        "kind": r.kind, "body": r.body, "ts": r.ts,
    }


async def messages(conn: AnyConn, cid: int, visitor_view: bool = False) -> list[Json]:
    q = select(M).where(M.c.conversation_id == cid)
    if visitor_view:
        q = q.where(M.c.kind.in_(("text", "system")))
    return [message_dict(r) for r in (await conn.execute(q.order_by(M.c.seq))).all()]


async def message_page(conn: AnyConn, cid: int, *, last: int | None = None,
                       after_seq: int | None = None, before_seq: int | None = None) -> tuple[list[Json], bool]:
    """Messages with after_seq < seq < before_seq (either bound optional), only the newest `last`
    of them when given, in seq order; and whether any message is older than the first returned
    (so a desk can open a 100,000-message chat with its last page and fetch the rest on scroll)."""
    q = select(M).where(M.c.conversation_id == cid)
    if after_seq is not None:
        q = q.where(M.c.seq > after_seq)
    if before_seq is not None:
        q = q.where(M.c.seq < before_seq)
    if last is None:
        found = (await conn.execute(q.order_by(M.c.seq))).all()
    else:
        found = list(reversed((await conn.execute(q.order_by(M.c.seq.desc()).limit(last))).all()))
    first: int | None
    if found:
        first = found[0].seq
    elif before_seq is not None:
        first = before_seq
    else:
        first = None if after_seq is None else after_seq + 1
    older = first is not None and (await conn.execute(
        select(M.c.id).where(M.c.conversation_id == cid, M.c.seq < first).limit(1))).first() is not None
    return [message_dict(r) for r in found], older


async def last_pages(conn: AnyConn, cids: list[int], last: int) -> dict[int, tuple[list[Json], bool]]:
    """Per conversation: its newest `last` messages in seq order and whether older ones exist (the
    same answer as message_page(last=...) for each), in two queries per 200 conversations.

    First each conversation's cut-off (the seq just below its newest `last`), then the messages
    above it; both are range seeks on (conversation_id, seq), so the cost follows `last`, not the
    length of the chat."""
    out: dict[int, tuple[list[Json], bool]] = {cid: ([], False) for cid in cids}
    if not cids:
        return out
    older = M.alias("older")
    cut = (select(older.c.seq).where(older.c.conversation_id == C.c.id)
           .order_by(older.c.seq.desc()).limit(1).offset(last).scalar_subquery())
    cuts = {r.id: r.cut for r in (await conn.execute(
        select(C.c.id, cut.label("cut")).where(C.c.id.in_(cids)))).all()}
    ranges = [(M.c.conversation_id == cid) & (M.c.seq > cuts[cid]) if cuts.get(cid) is not None
              else M.c.conversation_id == cid for cid in cids]
    for at in range(0, len(ranges), 200):              # SQLite caps an expression's depth at 1000
        found = (await conn.execute(select(M).where(or_(*ranges[at:at + 200]))
                                    .order_by(M.c.conversation_id, M.c.seq))).all()
        for r in found:
            out[r.conversation_id][0].append(message_dict(r))
    return {cid: (msgs, cuts.get(cid) is not None) for cid, (msgs, _) in out.items()}


async def first_visitor_messages(conn: AnyConn, cids: list[int]) -> dict[int, str]:
    """The first thing each visitor wrote, by conversation (what the queue shows)."""
    if not cids:
        return {}
    first = (select(M.c.conversation_id, func.min(M.c.seq).label("seq"))
             .where(M.c.conversation_id.in_(cids), M.c.author_type == "visitor")
             .group_by(M.c.conversation_id).subquery())
    found = (await conn.execute(select(M.c.conversation_id, M.c.body).join(
        first, (M.c.conversation_id == first.c.conversation_id) & (M.c.seq == first.c.seq)))).all()
    return {r.conversation_id: r.body for r in found}


# --- approvals, canned replies, reviews -----------------------------------------------------------

def approval_dict(r: Row[Any]) -> Json:
    return {"id": r.id, "conversation_id": r.conversation_id, "author_id": r.author_id,
            "author_name": r.author_name, "client_msg_id": r.client_msg_id, "body": r.body,
            "state": r.state, "created_at": r.created_at, "resolved_at": r.resolved_at,
            "resolver_id": r.resolver_id, "resolver_name": r.resolver_name, "final_body": r.final_body,
            "message_id": r.message_id, "note": r.note}


def canned_dict(r: Row[Any]) -> Json:
    return {"id": r.id, "shortcut": r.shortcut, "title": r.title, "body": r.body,
            "tags": list(r.tags), "owner_id": r.owner_id}


def review_dict(r: Row[Any]) -> Json:
    return {"id": r.id, "conversation_id": r.conversation_id, "reviewer_id": r.reviewer_id,
            "reviewer_name": r.reviewer_name, "mark": r.mark, "note": r.note, "ts": r.ts}
