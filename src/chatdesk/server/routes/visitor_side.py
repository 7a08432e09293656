"""The visitor's side (the widget and the simulator): sessions, page views, chats, messages.
Calls after the first carry `Authorization: Bearer <visitor_token>` and only ever reach the caller's
own visitor and conversations (anything else is a 404, so ids cannot be probed)."""
from __future__ import annotations

import secrets
import time

from fastapi import APIRouter, Depends, Path, Request
from pydantic import Field
from sqlalchemy import func, insert, select, update

from chatdesk.protocol import events as ev
from chatdesk.protocol.limits import MAX_BODY
from chatdesk.protocol.models import Wire
from chatdesk.protocol.requests import (
    PageViewRequest,
    VisitorMessageRequest,
    VisitorSessionRequest,
    VisitorSessionResponse,
    VisitorStartRequest,
)

from .. import conversations as convs
from .. import queries, schema
from ..auth import current_visitor, new_token, token_hash
from ..errors import not_found
from ..events import EventRow, Tx
from ..state import ServerContext, ctx_of
from .visitors import visitor_event_audience

router = APIRouter(prefix="/visitor")
V, PV, VT = schema.visitors, schema.pageviews, schema.visitor_tokens
ID = Path(ge=1, le=2 ** 62)


class TypingRequest(Wire):
    is_typing: bool
    text: str = Field(default="", max_length=MAX_BODY)


async def _new_visit_needed(tx: Tx, vid: str, now: float, gap: float) -> bool:
    last = (await tx.conn.execute(select(func.max(PV.c.ts)).where(PV.c.visitor_id == vid))).scalar()
    return last is not None and now - last > gap


async def record_pageview(ctx: ServerContext, tx: Tx, vid: str, url: str, title: str, referrer: str) -> None:
    now = time.time()
    if await _new_visit_needed(tx, vid, now, ctx.config.visit_gap):
        await tx.conn.execute(update(V).where(V.c.id == vid).values(
            visit_count=V.c.visit_count + 1, visit_started_at=now, referrer=referrer))
    await tx.conn.execute(update(V).where(V.c.id == vid).values(current_url=url, current_title=title,
                                                                last_seen=now))
    v = await queries.visitor_row(tx.conn, vid)
    await tx.conn.execute(insert(PV).values(visitor_id=vid, visit_no=v.visit_count, url=url, title=title,
                                            referrer=referrer, ts=now))
    pageview = {"url": url, "title": title, "referrer": referrer, "ts": now}
    await tx.emit(ev.VISITOR_PAGEVIEW, {"visitor_id": vid, "pageview": pageview,
                                        "visitor": queries.visitor_dict(v, ctx.hub.visitor_connected(vid))},
                  **await visitor_event_audience(tx.conn, vid))


@router.post("/sessions", response_model=VisitorSessionResponse, status_code=201)
async def start_session(body: VisitorSessionRequest, request: Request):
    ctx, now = ctx_of(request), time.time()
    token = new_token()
    async with ctx.store.tx() as tx:
        row = await queries.visitor_row(tx.conn, body.visitor_id) if body.visitor_id else None
        vid = row.id if row else secrets.token_urlsafe(16)
        if row is None:       # unknown or no id: a new visitor (ids are never chosen by the client)
            await tx.conn.execute(insert(V).values(id=vid, first_seen=now, last_seen=now, visit_count=1,
                                                   visit_started_at=now, referrer=body.referrer))
        await tx.conn.execute(insert(VT).values(token_hash=token_hash(token), visitor_id=vid, created_at=now))
        if body.url:
            await record_pageview(ctx, tx, vid, body.url, body.title, body.referrer)
        v = await queries.visitor_row(tx.conn, vid)
        cid = await queries.open_conversation_id(tx.conn, vid)
    ctx.visitor_activity[vid] = now
    return {"visitor_id": vid, "visitor_token": token, "returning": v.visit_count > 1,
            "visit_count": v.visit_count, "name": v.name, "conversation_id": cid}


@router.post("/pageviews", status_code=201)
async def pageview(body: PageViewRequest, request: Request, vid: str = Depends(current_visitor)):
    ctx = ctx_of(request)
    async with ctx.store.tx() as tx:
        await record_pageview(ctx, tx, vid, body.url, body.title, body.referrer)
    ctx.visitor_activity[vid] = time.time()
    return {"ok": True}


@router.post("/conversations", status_code=201)
async def start_conversation(body: VisitorStartRequest, request: Request, vid: str = Depends(current_visitor)):
    ctx = ctx_of(request)
    async with ctx.store.tx() as tx:
        if body.email:   # the pre-chat form's e-mail: a contact field, like the name (free text)
            await tx.conn.execute(update(V).where(V.c.id == vid).values(email=body.email))
        conv, msg, _created = await convs.start_by_visitor(
            tx, vid, client_msg_id=body.client_msg_id, body=body.body, name=body.name,
            department=body.department, connected=ctx.hub.visitor_connected(vid))
    ctx.visitor_activity[vid] = time.time()
    return {"conversation": _visitor_conv(conv), "message": msg}


def _visitor_conv(conv: dict) -> dict:
    frame = EventRow(0, ev.CONVERSATION_UPDATED, conv["id"], None, 0.0, {"conversation": conv},
                     None, False, None, None, conv["visitor_id"]).visitor_frame()
    return frame["data"]["conversation"]


async def _own(conn, vid: str, cid: int) -> dict:
    conv = await queries.conversation(conn, cid)
    if conv is None or conv["visitor_id"] != vid:
        raise not_found(f"conversation {cid} for this visitor")
    return conv


@router.get("/conversations/{cid}")
async def get_conversation(request: Request, cid: int = ID, vid: str = Depends(current_visitor)):
    async with ctx_of(request).store.read() as conn:
        conv = await _own(conn, vid, cid)
        return {"conversation": _visitor_conv(conv), "messages": await queries.messages(conn, cid, True)}


@router.post("/conversations/{cid}/messages", status_code=201)
async def send(body: VisitorMessageRequest, request: Request, cid: int = ID, vid: str = Depends(current_visitor)):
    ctx = ctx_of(request)
    async with ctx.store.tx() as tx:
        msg, _created = await convs.visitor_message(tx, vid, cid, client_msg_id=body.client_msg_id, body=body.body)
    ctx.visitor_activity[vid] = time.time()
    return msg


@router.post("/conversations/{cid}/close")
async def close(request: Request, cid: int = ID, vid: str = Depends(current_visitor)):
    async with ctx_of(request).store.tx() as tx:
        await _own(tx.conn, vid, cid)
        return _visitor_conv(await convs.close(tx, cid, by_visitor=True))


@router.post("/typing")
async def typing(body: TypingRequest, request: Request, vid: str = Depends(current_visitor)):
    from ..stream import visitor_typing  # the stream module owns typing fan-out
    await visitor_typing(ctx_of(request), vid, body.is_typing, body.text)
    return {"ok": True}
