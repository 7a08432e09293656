"""The visitor's side (the widget and the simulator): sessions, page views, chats, messages, rating.
Calls after the first carry `Authorization: Bearer <visitor_token>`."""
from __future__ import annotations

from fastapi import APIRouter, Path, Request
from pydantic import Field

from chatdesk.protocol.integrations import TranscriptMailRequest
from chatdesk.protocol.limits import MAX_BODY, MAX_ID
from chatdesk.protocol.models import Conversation, Message, Wire
from chatdesk.protocol.openers import HeartbeatAnswer
from chatdesk.protocol.requests import (
    PageViewRequest,
    RatingRequest,
    VisitorMessageRequest,
    VisitorSessionRequest,
    VisitorSessionResponse,
    VisitorStartRequest,
)

from ..deps import Ctx, CurrentVisitor
from ..outbox.transcript_mail import send_transcript
from ..security.limits import client_address
from ..services import typing, visitor_side
from .answers import Ok, VisitorChat, VisitorChatStarted, VisitorConversation
from .page_api import heartbeat_answer

router = APIRouter(prefix="/visitor", tags=["visitor side"])
ID = Path(ge=1, le=MAX_ID)


class TypingRequest(Wire):
    is_typing: bool
    text: str = Field(default="", max_length=MAX_BODY)


@router.post("/sessions", response_model=VisitorSessionResponse, status_code=201)
async def start_session(body: VisitorSessionRequest, ctx: Ctx):
    return await visitor_side.start_session(ctx, visitor_id=body.visitor_id, url=body.url, title=body.title,
                                            referrer=body.referrer, lang=body.lang)


@router.post("/pageviews", response_model=HeartbeatAnswer, status_code=201)
async def pageview(body: PageViewRequest, ctx: Ctx, vid: CurrentVisitor):
    """A page opened; the answer is the heartbeat's (an opener may invite now)."""
    await visitor_side.pageview(ctx, vid, body.url, body.title, body.referrer)
    return await heartbeat_answer(ctx, vid)


@router.post("/conversations", response_model=VisitorChatStarted, status_code=201)
async def start_conversation(body: VisitorStartRequest, request: Request, ctx: Ctx, vid: CurrentVisitor):
    return await visitor_side.start_conversation(ctx, vid, client_msg_id=body.client_msg_id, body=body.body,
                                                 name=body.name, email=body.email, department=body.department,
                                                 address=client_address(request.scope))


@router.get("/conversations/{cid}", response_model=VisitorChat)
async def get_conversation(ctx: Ctx, vid: CurrentVisitor, cid: int = ID):
    async with ctx.store.read() as conn:
        return await visitor_side.conversation(conn, vid, cid)


@router.post("/conversations/{cid}/messages", response_model=Message, status_code=201)
async def send(body: VisitorMessageRequest, ctx: Ctx, vid: CurrentVisitor, cid: int = ID):
    return await visitor_side.send(ctx, vid, cid, client_msg_id=body.client_msg_id, body=body.body)


@router.post("/conversations/{cid}/close", response_model=VisitorConversation)
async def close(ctx: Ctx, vid: CurrentVisitor, cid: int = ID):
    async with ctx.store.tx() as tx:
        return await visitor_side.close(tx, vid, cid)


# The rating answer keeps the operator-side shape, with the visitor-hidden fields at their defaults.
@router.post("/conversations/{cid}/rating", response_model=Conversation)
async def rate(body: RatingRequest, ctx: Ctx, vid: CurrentVisitor, cid: int = ID):
    async with ctx.store.tx() as tx:
        return await visitor_side.rate(tx, vid, cid, body.rating, body.comment)


@router.post("/conversations/{cid}/transcript-mail", response_model=Ok, status_code=202)
async def transcript_mail(body: TranscriptMailRequest, ctx: Ctx, vid: CurrentVisitor, cid: int = ID):
    await send_transcript(ctx, vid, cid, body.email, body.lang)     # queued in the outbox, sent by its worker
    return {"ok": True}


@router.post("/typing", response_model=Ok)
async def visitor_typing(body: TypingRequest, ctx: Ctx, vid: CurrentVisitor):
    await typing.visitor_typing(ctx, vid, body.is_typing, body.text)
    return {"ok": True}
