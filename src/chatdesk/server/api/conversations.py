"""Operator side of conversations: queue, list, detail, accept, transfer, close, messages, callback."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse
from pydantic import Field

from chatdesk.protocol.limits import MAX_ID, MAX_NOTE, MAX_QUEUE_PAGE, QUEUE_PAGE
from chatdesk.protocol.models import Conversation, ConversationDetail, Message, MessagePage, QueuePage, Wire
from chatdesk.protocol.requests import CloseRequest, SendMessageRequest, TransferRequest
from chatdesk.protocol.staff import ApprovalAnswer

from ..deps import Ctx, CurrentOperator, current_operator
from ..services import messaging, operator_views, routing
from ..services.operator_views import DEFAULT_PAGE, MAX_PAGE
from .answers import ConversationList

router = APIRouter(tags=["conversations"])
ID = Path(ge=1, le=MAX_ID)


class CallbackRequest(Wire):
    channel: Literal["phone", "email"]
    value: str = Field(min_length=1, max_length=254)
    note: str = Field(default="", max_length=MAX_NOTE)


@router.get("/queue", response_model=QueuePage, dependencies=[Depends(current_operator)])
async def queue(ctx: Ctx, limit: int = Query(QUEUE_PAGE, ge=1, le=MAX_QUEUE_PAGE,
                                             description="at most this many, the oldest first")):
    """The oldest waiting chats and how many wait in all: a flooded queue stays cheap to read."""
    async with ctx.store.read() as conn:
        entries, total = await operator_views.queue_page(conn, ctx.hub.visitor_connected, limit)
        return {"queue": entries, "total": total}


@router.get("/conversations", response_model=ConversationList)
async def list_conversations(ctx: Ctx, actor: CurrentOperator,
                             state: Literal["queued", "active", "closed", "missed"] | None = Query(None)):
    async with ctx.store.read() as conn:
        return {"conversations": await operator_views.listing(conn, actor, state)}


@router.get("/conversations/{cid}", response_model=ConversationDetail)
async def detail(ctx: Ctx, actor: CurrentOperator, cid: int = ID,
                 last: int | None = Query(None, ge=1, le=MAX_PAGE, description="only the newest N messages"),
                 after_seq: int | None = Query(None, ge=0, le=MAX_ID),
                 events: bool = Query(True, description="include the event log")):
    """Everything by default; a desk opening a long chat asks for `last=N` (and `has_older` says
    whether there is more), a reload for `after_seq=S`, and neither needs the event list."""
    whole = last is None and after_seq is None          # any length: off the loop's thread (storage/db.py)
    async with (ctx.store.read_offloaded() if whole else ctx.store.read()) as conn:
        conv = await operator_views.readable(conn, cid, actor)
        found = await operator_views.details(conn, [conv], actor, connected=ctx.hub.visitor_connected,
                                             last=last, after_seq=after_seq, events=events)
        return found[0]


@router.get("/conversations/{cid}/messages", response_model=MessagePage)
async def older_messages(ctx: Ctx, actor: CurrentOperator, cid: int = ID,
                         before_seq: int = Query(..., ge=1, le=MAX_ID),
                         limit: int = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE)):
    """The `limit` messages just before `before_seq`: a transcript scrolled to its top."""
    async with ctx.store.read() as conn:
        return await operator_views.older_messages(conn, cid, actor, before_seq=before_seq, limit=limit)


@router.post("/conversations/{cid}/accept", response_model=Conversation)
async def accept(ctx: Ctx, actor: CurrentOperator, cid: int = ID):
    async with ctx.store.tx() as tx:
        return await routing.accept(tx, cid, actor)


@router.post("/conversations/{cid}/transfer", response_model=Conversation)
async def transfer(body: TransferRequest, ctx: Ctx, actor: CurrentOperator, cid: int = ID):
    async with ctx.store.tx() as tx:
        return await routing.transfer(tx, cid, actor, operator_id=body.operator_id,
                                      department=body.department, note=body.note)


@router.post("/conversations/{cid}/close", response_model=Conversation)
async def close(body: CloseRequest, ctx: Ctx, actor: CurrentOperator, cid: int = ID):
    async with ctx.store.tx() as tx:
        return await messaging.close(tx, cid, actor, summary=body.summary, tags=body.tags,
                                     follow_up=body.follow_up)


@router.post("/conversations/{cid}/messages", response_model=Message,
             responses={202: {"model": ApprovalAnswer, "description": "held for a trainer (approval mode)"}})
async def send(body: SendMessageRequest, ctx: Ctx, actor: CurrentOperator, cid: int = ID):
    async with ctx.store.tx() as tx:
        sent = await messaging.send(tx, cid, actor, kind=body.kind, body=body.body,
                                    client_msg_id=body.client_msg_id)
    if sent.held is not None:
        return JSONResponse({"approval": sent.held}, status_code=202)
    return sent.message


@router.post("/conversations/{cid}/callback", response_model=Message)
async def callback(body: CallbackRequest, ctx: Ctx, actor: CurrentOperator, cid: int = ID):
    async with ctx.store.tx() as tx:
        return await messaging.callback(tx, cid, actor, channel=body.channel, value=body.value, note=body.note,
                                        due_after=ctx.config.request_due)
