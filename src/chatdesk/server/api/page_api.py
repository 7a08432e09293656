"""The visitor's side of visitors on the site and openers: the heartbeat, the shop's page API
(`chatdesk('cart' | 'order' | 'identify', {...})` in the widget becomes POST /visitor/events), and
the visitor's answers to an invite. Bearer visitor token, like the rest of /visitor."""
from __future__ import annotations

from fastapi import APIRouter, Path, Request

from chatdesk.protocol.limits import MAX_ID
from chatdesk.protocol.openers import (
    HeartbeatAnswer,
    HeartbeatRequest,
    InviteAction,
    InviteReply,
    PageEvent,
    PageEventAnswer,
)

from ..deps import Ctx, CurrentVisitor
from ..security.limits import client_address
from ..services import browsing, openers, orders
from .answers import Ok, VisitorChatStarted

router = APIRouter(prefix="/visitor", tags=["visitor side"])
ID = Path(ge=1, le=MAX_ID)


async def heartbeat_answer(ctx, vid: str, language: str | None = None) -> dict:
    invite, check_in = await openers.decide(ctx, vid, language)
    return {"ok": True, "invite": invite, "check_in": check_in, "idle_after": ctx.config.browsing_idle}


@router.post("/heartbeat", response_model=HeartbeatAnswer)
async def heartbeat(body: HeartbeatRequest, ctx: Ctx, vid: CurrentVisitor):
    """Still on the page (the widget beats every few seconds, sooner when `check_in` says so)."""
    browsing.still_here(ctx, vid)
    return await heartbeat_answer(ctx, vid, body.language)


@router.post("/events", response_model=PageEventAnswer, status_code=201)
async def page_event(request: PageEvent, ctx: Ctx, vid: CurrentVisitor):
    body = request.root
    if body.type == "cart":
        await orders.cart(ctx, vid, body.value, body.currency, body.items)
    elif body.type == "identify":
        await orders.identify(ctx, vid, body.name, body.email)
    else:
        return {"ok": True, "order": await orders.order(ctx, vid, body.id, body.value, body.currency)}
    return {"ok": True}


@router.post("/invites/{invite_id}", response_model=Ok)
async def invite_seen(body: InviteAction, ctx: Ctx, vid: CurrentVisitor, invite_id: int = ID):
    await openers.report(ctx, vid, invite_id, body.action)
    return {"ok": True}


@router.post("/invites/{invite_id}/reply", response_model=VisitorChatStarted, status_code=201)
async def invite_reply(body: InviteReply, request: Request, ctx: Ctx, vid: CurrentVisitor, invite_id: int = ID):
    return await openers.reply(ctx, vid, invite_id, client_msg_id=body.client_msg_id, body=body.body,
                               name=body.name, address=client_address(request.scope))
