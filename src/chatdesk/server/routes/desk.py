"""`GET /desk`: everything a desk needs to start, read in one transaction: who I am, the queue, my
open chats (each with its newest page of messages and its visitor's journey), operators, canned
replies. One request instead of five plus two per open chat, and one consistent snapshot, with
the newest event it includes: a desk's stream resumes after that one (no gap, no reset)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import func, select

from chatdesk.protocol.models import DeskSnapshot

from .. import queries, schema
from ..auth import Actor, current_operator
from ..state import ctx_of
from .canned import canned_for
from .conversations import DEFAULT_PAGE, MAX_PAGE, conversation_detail, queue_entries
from .visitors import visitor_detail

router = APIRouter()
C, E = schema.conversations, schema.events


@router.get("/desk", response_model=DeskSnapshot)
async def desk_snapshot(request: Request, actor: Actor = Depends(current_operator),
                        last: int = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE, description="messages per open chat")):
    ctx = ctx_of(request)
    async with ctx.store.read() as conn:
        # the first read fixes the transaction's snapshot: everything below is as of this event
        newest = (await conn.execute(select(func.max(E.c.event_id)))).scalar() or 0
        mine = await queries.conversations_where(conn, C.c.state == "active", C.c.operator_id == actor.id,
                                                 order_by=(C.c.id,))
        open_chats = []
        for conv in mine:
            vid = conv["visitor_id"]
            open_chats.append({
                "detail": await conversation_detail(conn, ctx, conv, actor, last=last, events=False),
                "visitor": await visitor_detail(conn, vid, ctx.hub.visitor_connected(vid))})
        return {"event_id": newest, "me": await queries.operator(conn, actor.id), "queue": await queue_entries(conn, ctx),
                "open": open_chats, "operators": await queries.all_operators(conn),
                "canned": await canned_for(conn, actor)}
