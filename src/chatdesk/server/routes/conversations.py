"""Operator side of conversations: queue, list, detail, accept, transfer, close, messages, callback."""
from __future__ import annotations

import time
from typing import Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlalchemy import select, update

from chatdesk.protocol import events as ev
from chatdesk.protocol.limits import MAX_NOTE, MAX_TAG
from chatdesk.protocol.models import Conversation, ConversationDetail, Message, MessagePage, Wire
from chatdesk.protocol.requests import CloseRequest, SendMessageRequest, TransferRequest
from chatdesk.protocol.staff import ApprovalAnswer

from .. import approvals, queries, routing, schema, supervision
from .. import conversations as convs
from ..auth import Actor, current_operator
from ..errors import conflict, forbidden, not_found
from ..events import E, EventRow
from ..state import ctx_of

router = APIRouter()
C, M, V = schema.conversations, schema.messages, schema.visitors
ID = Path(ge=1, le=2 ** 62)
DEFAULT_PAGE, MAX_PAGE = 200, 5_000     # messages per paged read


class CallbackRequest(Wire):
    channel: Literal["phone", "email"]
    value: str = Field(min_length=1, max_length=254)
    note: str = Field(default="", max_length=MAX_NOTE)


def can_read(actor: Actor, conv: dict) -> bool:
    return actor.is_staff or conv["state"] == "queued" or conv["operator_id"] == actor.id


async def readable(conn, cid: int, actor: Actor) -> dict:
    conv = await queries.conversation(conn, cid)
    if conv is None:
        raise not_found(f"conversation {cid}")
    if not can_read(actor, conv):
        raise forbidden("This conversation is not yours: it is assigned to another operator.")
    return conv


def require_holder(actor: Actor, conv: dict, doing: str) -> None:
    if conv["operator_id"] != actor.id and not actor.is_staff:
        if conv["state"] == "queued":
            raise conflict("not_accepted", f"Accept this chat before you {doing}.")
        raise forbidden(f"Only the operator holding this chat can {doing}.")


async def queue_entries(conn, ctx) -> list[dict]:
    """Waiting chats, oldest first: three queries, however long the queue."""
    now = time.time()
    convs = await queries.conversations_where(conn, C.c.state == "queued", order_by=(C.c.queued_at, C.c.id))
    visitors = await queries.visitors_by_id(conn, [c["visitor_id"] for c in convs], ctx.hub.visitor_connected)
    firsts = await queries.first_visitor_messages(conn, [c["id"] for c in convs])
    return [{"conversation": c, "visitor": visitors.get(c["visitor_id"]),
             "wait_seconds": max(0.0, now - c["queued_at"]), "first_message": firsts.get(c["id"], "")}
            for c in convs]


@router.get("/queue")
async def queue(request: Request, _actor: Actor = Depends(current_operator)):
    ctx = ctx_of(request)
    async with ctx.store.read() as conn:
        return {"queue": await queue_entries(conn, ctx)}


@router.get("/conversations")
async def list_conversations(request: Request, actor: Actor = Depends(current_operator),
                             state: Literal["queued", "active", "closed", "missed"] | None = Query(None)):
    where = [C.c.state == (state or "active")]
    if not actor.is_staff and state != "queued":
        where.append(C.c.operator_id == actor.id)
    async with ctx_of(request).store.read() as conn:
        newest = await queries.conversations_where(conn, *where, order_by=(C.c.id.desc(),), limit=500)
        return {"conversations": newest[::-1]}


@router.get("/conversations/{cid}", response_model=ConversationDetail)
async def detail(request: Request, cid: int = ID, actor: Actor = Depends(current_operator),
                 last: int | None = Query(None, ge=1, le=MAX_PAGE, description="only the newest N messages"),
                 after_seq: int | None = Query(None, ge=0, le=2 ** 62),
                 events: bool = Query(True, description="include the event log")):
    """Everything by default; a desk opening a long chat asks for `last=N` (and `has_older` says
    whether there is more), a reload for `after_seq=S`, and neither needs the event list."""
    ctx = ctx_of(request)
    whole = last is None and after_seq is None          # any length: off the loop's thread (db.py)
    async with (ctx.store.read_offloaded() if whole else ctx.store.read()) as conn:
        conv = await readable(conn, cid, actor)
        return await conversation_detail(conn, ctx, conv, actor, last=last, after_seq=after_seq, events=events)


async def conversation_detail(conn, ctx, conv: dict, actor: Actor, *, last: int | None = None,
                              after_seq: int | None = None, events: bool = True) -> dict:
    """A ConversationDetail of a conversation the actor may read (see `readable`)."""
    cid = conv["id"]
    visitor = await queries.visitor(conn, conv["visitor_id"], ctx.hub.visitor_connected(conv["visitor_id"]))
    msgs, older = await queries.message_page(conn, cid, last=last, after_seq=after_seq)
    frames = []
    if events:
        q = select(E).where(E.c.conversation_id == cid)
        if after_seq is not None:
            q = q.where(E.c.seq > after_seq)
        frames = [EventRow.from_db(r).frame() for r in (await conn.execute(q.order_by(E.c.seq))).all()]
    presence = await supervision.presence(conn, conv)
    held = await approvals.listing(conn, None, cid, None if actor.is_staff else actor.id)
    return {"conversation": conv, "visitor": visitor, "messages": msgs, "has_older": older,
            "events": frames, "watchers": presence["watchers"], "joined": presence["joined"],
            "approvals": held}


@router.get("/conversations/{cid}/messages", response_model=MessagePage)
async def older_messages(request: Request, cid: int = ID, actor: Actor = Depends(current_operator),
                         before_seq: int = Query(..., ge=1, le=2 ** 62),
                         limit: int = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE)):
    """The `limit` messages just before `before_seq`: a transcript scrolled to its top."""
    async with ctx_of(request).store.read() as conn:
        await readable(conn, cid, actor)
        msgs, older = await queries.message_page(conn, cid, last=limit, before_seq=before_seq)
        return {"messages": msgs, "has_older": older}


@router.post("/conversations/{cid}/accept", response_model=Conversation)
async def accept(request: Request, cid: int = ID, actor: Actor = Depends(current_operator)):
    async with ctx_of(request).store.tx() as tx:
        return await routing.accept(tx, cid, actor)


@router.post("/conversations/{cid}/transfer", response_model=Conversation)
async def transfer(body: TransferRequest, request: Request, cid: int = ID,
                   actor: Actor = Depends(current_operator)):
    async with ctx_of(request).store.tx() as tx:
        return await routing.transfer(tx, cid, actor, operator_id=body.operator_id,
                                      department=body.department, note=body.note)


@router.post("/conversations/{cid}/close", response_model=Conversation)
async def close(body: CloseRequest, request: Request, cid: int = ID, actor: Actor = Depends(current_operator)):
    async with ctx_of(request).store.tx() as tx:
        conv = await convs.load_for_update(tx, cid)
        if not (actor.is_staff or conv["operator_id"] == actor.id):
            raise forbidden("Only the operator holding this chat, or a supervisor, can close it.")
        tags = [t.strip()[:MAX_TAG] for t in body.tags if t.strip()]
        return await convs.close(tx, cid, summary=body.summary, tags=tags, follow_up=body.follow_up)


@router.post("/conversations/{cid}/messages", response_model=Message,
             responses={202: {"model": ApprovalAnswer, "description": "held for a trainer (approval mode)"}})
async def send(body: SendMessageRequest, request: Request, cid: int = ID,
               actor: Actor = Depends(current_operator)):
    async with ctx_of(request).store.tx() as tx:
        old = await convs.existing_message(tx, f"o:{actor.id}", body.client_msg_id)
        conv = await convs.load_for_update(tx, cid)
        held = await approvals.existing(tx.conn, actor.id, body.client_msg_id) if old is None else None
        if held is not None:     # a resend of a held message: the same approval, still held or not
            if held["conversation_id"] != cid:
                raise conflict("duplicate_client_msg_id",
                               f"This client_msg_id was already used in conversation {held['conversation_id']}.")
            return JSONResponse({"approval": held}, status_code=202)
        if old is None:
            if not can_read(actor, conv):
                raise forbidden("This conversation is not yours: it is assigned to another operator.")
            if body.kind == "whisper" and not actor.is_staff:
                raise forbidden("Only a supervisor, trainer or admin can whisper.")
            if body.kind == "text":
                require_holder(actor, conv, "reply")
            convs.require_open(conv)
            if body.kind == "whisper":
                supervision.require_whisper_target(conv)
            if body.kind == "text" and await approvals.needs_approval(tx.conn, actor):
                # held for a trainer: 202 with the approval, nothing reaches the visitor yet
                held = await approvals.request(tx, cid, actor, client_msg_id=body.client_msg_id, body=body.body)
                return JSONResponse({"approval": held}, status_code=202)
            if body.kind == "text" and actor.is_staff and conv["operator_id"] != actor.id \
                    and conv["state"] == "active" and not await supervision.is_joined(tx.conn, cid, actor.id):
                await supervision.join(tx, cid, actor)      # staff writing to the visitor have joined
        msg, _created = await convs.add_message(
            tx, cid, author_type="operator", author_key=f"o:{actor.id}", author_id=actor.id,
            author_name=actor.name, kind=body.kind, body=body.body, client_msg_id=body.client_msg_id)
        return msg


@router.post("/conversations/{cid}/callback", response_model=Message)
async def callback(body: CallbackRequest, request: Request, cid: int = ID,
                   actor: Actor = Depends(current_operator)):
    async with ctx_of(request).store.tx() as tx:
        conv = await convs.load_for_update(tx, cid)
        if not can_read(actor, conv):
            raise forbidden("This conversation is not yours: it is assigned to another operator.")
        field = "phone" if body.channel == "phone" else "email"
        await tx.conn.execute(update(V).where(V.c.id == conv["visitor_id"]).values(**{field: body.value}))
        visitor = await queries.visitor(tx.conn, conv["visitor_id"])
        await tx.emit(ev.VISITOR_UPDATED, {"visitor": visitor}, conversation_id=cid,
                      **convs.audience(conv))
        text = f"Callback requested by {body.channel}: {body.value}"
        if body.note:
            text += f" ({body.note})"
        return await convs.system_message(tx, cid, text)
