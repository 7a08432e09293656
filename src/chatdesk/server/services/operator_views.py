"""What an operator may read of conversations: the queue, lists by state, a conversation's detail
and its older pages. Operators read queued chats and their own; staff read everything."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from ..eventlog.log import E, EventRow
from ..security.tokens import Actor
from ..storage import rows
from ..storage.db import AnyConn
from ..storage.schema import conversations as C
from . import approvals, supervision
from .errors import forbidden, not_found

DEFAULT_PAGE, MAX_PAGE = 200, 5_000     # messages per paged read
LIST_LIMIT = 500                        # conversations per list, the newest


def can_read(actor: Actor, conv: dict[str, Any]) -> bool:
    return actor.is_staff or conv["state"] == "queued" or conv["operator_id"] == actor.id


def require_readable(actor: Actor, conv: dict[str, Any]) -> None:
    if not can_read(actor, conv):
        raise forbidden("This conversation is not yours: it is assigned to another operator.")


async def readable(conn: AnyConn, cid: int, actor: Actor) -> dict[str, Any]:
    conv = await rows.conversation(conn, cid)
    if conv is None:
        raise not_found(f"conversation {cid}")
    require_readable(actor, conv)
    return conv


async def queue_entries(conn: AnyConn, connected: Callable[[str], bool],
                        limit: int | None = None) -> list[dict[str, Any]]:
    """Waiting chats, oldest first (the first `limit` of them): three queries, however long the queue."""
    now = time.time()
    convs = await rows.conversations_where(conn, C.c.state == "queued", order_by=(C.c.queued_at, C.c.id),
                                           limit=limit)
    visitors = await rows.visitors_by_id(conn, [c["visitor_id"] for c in convs], connected)
    firsts = await rows.first_visitor_messages(conn, [c["id"] for c in convs])
    return [{"conversation": c, "visitor": visitors.get(c["visitor_id"]),
             "wait_seconds": max(0.0, now - c["queued_at"]), "first_message": firsts.get(c["id"], "")}
            for c in convs]


async def queue_page(conn: AnyConn, connected: Callable[[str], bool],
                     limit: int) -> tuple[list[dict[str, Any]], int]:
    """The oldest `limit` waiting chats and how many wait in all (one more query, on the index)."""
    entries = await queue_entries(conn, connected, limit)
    total = len(entries)
    if total >= limit:
        total = (await conn.execute(select(func.count()).where(C.c.state == "queued"))).scalar() or 0
    return entries, total


async def listing(conn: AnyConn, actor: Actor, state: str | None) -> list[dict[str, Any]]:
    """Conversations in one state (active by default), oldest first; an operator's own only,
    except the queue."""
    where = [C.c.state == (state or "active")]
    if not actor.is_staff and state != "queued":
        where.append(C.c.operator_id == actor.id)
    newest = await rows.conversations_where(conn, *where, order_by=(C.c.id.desc(),), limit=LIST_LIMIT)
    return newest[::-1]


async def event_frames(conn: AnyConn, cid: int, after_seq: int | None) -> list[dict[str, Any]]:
    q = select(E).where(E.c.conversation_id == cid)
    if after_seq is not None:
        q = q.where(E.c.seq > after_seq)
    return [EventRow.from_db(r).frame() for r in (await conn.execute(q.order_by(E.c.seq))).all()]


async def details(conn: AnyConn, convs: list[dict[str, Any]], actor: Actor, *,
                  connected: Callable[[str], bool], last: int | None = None, after_seq: int | None = None,
                  events: bool = False) -> list[dict[str, Any]]:
    """ConversationDetail shapes of conversations the actor may read (see `readable`), in a fixed
    number of queries however many there are."""
    cids = [c["id"] for c in convs]
    visitors = await rows.visitors_by_id(conn, [c["visitor_id"] for c in convs], connected)
    if last is not None and after_seq is None:
        pages = await rows.last_pages(conn, cids, last)
    else:
        pages = {cid: await rows.message_page(conn, cid, last=last, after_seq=after_seq) for cid in cids}
    presence = await supervision.presences(conn, convs)
    held = await approvals.for_conversations(conn, cids, None if actor.is_staff else actor.id)
    out = []
    for conv in convs:
        cid = conv["id"]
        msgs, older = pages[cid]
        out.append({"conversation": conv, "visitor": visitors.get(conv["visitor_id"]), "messages": msgs,
                    "has_older": older, "events": await event_frames(conn, cid, after_seq) if events else [],
                    "watchers": presence[cid]["watchers"], "joined": presence[cid]["joined"],
                    "approvals": held.get(cid, [])})
    return out


async def older_messages(conn: AnyConn, cid: int, actor: Actor, *, before_seq: int,
                         limit: int) -> dict[str, Any]:
    """The `limit` messages just before `before_seq`: a transcript scrolled to its top."""
    await readable(conn, cid, actor)
    msgs, older = await rows.message_page(conn, cid, last=limit, before_seq=before_seq)
    return {"messages": msgs, "has_older": older}
