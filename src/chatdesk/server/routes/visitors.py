"""Operator side of visitors: journey and history, contact fields, notes kept across conversations."""
from __future__ import annotations

import json
import time

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy import insert, or_, select, update

from chatdesk.protocol import events as ev
from chatdesk.protocol.models import VisitorDetail, VisitorNote
from chatdesk.protocol.requests import VisitorNoteRequest, VisitorUpdateRequest

from .. import conversations as convs
from .. import queries, schema
from ..auth import Actor, current_operator
from ..errors import forbidden, not_found
from ..state import ctx_of

router = APIRouter()
C, O, V, PV, N = (schema.conversations, schema.operators, schema.visitors, schema.pageviews,
                  schema.visitor_notes)
VID = Path(min_length=1, max_length=64)


async def check_visitor_access(conn, vid: str, actor: Actor) -> None:
    if await queries.visitor_row(conn, vid) is None:
        raise not_found(f"visitor {vid}")
    if actor.is_staff:
        return
    mine = (await conn.execute(select(C.c.id).where(
        C.c.visitor_id == vid, or_(C.c.state == "queued", C.c.operator_id == actor.id)).limit(1))).first()
    if mine is None:
        raise forbidden("This visitor is not in the queue or in one of your conversations.")


async def visitor_event_audience(conn, vid: str) -> dict:
    """Visitor events go where the visitor's open conversation goes (staff only if none)."""
    cid = await queries.open_conversation_id(conn, vid)
    if cid is None:
        return {"conversation_id": None, "all_operators": False, "ops": ()}
    conv = await queries.conversation(conn, cid)
    return {"conversation_id": cid, **convs.audience(conv)}


async def visitor_detail(conn, vid: str, connected: bool) -> dict:
    v = await queries.visitor_row(conn, vid)
    out = queries.visitor_dict(v, connected)
    pvs = (await conn.execute(select(PV).where(PV.c.visitor_id == vid, PV.c.visit_no == v.visit_count)
                              .order_by(PV.c.id).limit(500))).all()
    out["pageviews"] = [{"url": p.url, "title": p.title, "referrer": p.referrer, "ts": p.ts} for p in pvs]
    past = (await conn.execute(select(C, O.c.name.label("operator_name"))
                               .select_from(C.outerjoin(O, O.c.id == C.c.operator_id))
                               .where(C.c.visitor_id == vid).order_by(C.c.id.desc()).limit(100))).all()
    out["past_conversations"] = [
        {"id": c.id, "state": c.state, "operator_name": c.operator_name or "", "summary": c.summary,
         "tags": json.loads(c.tags), "queued_at": c.queued_at, "closed_at": c.closed_at} for c in past]
    notes = (await conn.execute(select(N).where(N.c.visitor_id == vid).order_by(N.c.id))).all()
    out["notes"] = [{"id": n.id, "body": n.body, "author_id": n.author_id, "author_name": n.author_name,
                     "ts": n.ts} for n in notes]
    return out


@router.get("/visitors/{vid}", response_model=VisitorDetail)
async def get_visitor(request: Request, vid: str = VID, actor: Actor = Depends(current_operator)):
    ctx = ctx_of(request)
    async with ctx.store.read() as conn:
        await check_visitor_access(conn, vid, actor)
        return await visitor_detail(conn, vid, ctx.hub.visitor_connected(vid))


@router.patch("/visitors/{vid}", response_model=VisitorDetail)
async def patch_visitor(body: VisitorUpdateRequest, request: Request, vid: str = VID,
                        actor: Actor = Depends(current_operator)):
    ctx = ctx_of(request)
    changes = body.model_dump(exclude_none=True)
    async with ctx.store.tx() as tx:
        await check_visitor_access(tx.conn, vid, actor)
        if changes:
            await tx.conn.execute(update(V).where(V.c.id == vid).values(**changes))
            visitor = await queries.visitor(tx.conn, vid, ctx.hub.visitor_connected(vid))
            await tx.emit(ev.VISITOR_UPDATED, {"visitor": visitor}, **await visitor_event_audience(tx.conn, vid))
        return await visitor_detail(tx.conn, vid, ctx.hub.visitor_connected(vid))


@router.post("/visitors/{vid}/notes", response_model=VisitorNote, status_code=201)
async def add_note(body: VisitorNoteRequest, request: Request, vid: str = VID,
                   actor: Actor = Depends(current_operator)):
    async with ctx_of(request).store.tx() as tx:
        await check_visitor_access(tx.conn, vid, actor)
        now = time.time()
        res = await tx.conn.execute(insert(N).values(visitor_id=vid, body=body.body, author_id=actor.id,
                                                     author_name=actor.name, ts=now))
        note = {"id": res.inserted_primary_key[0], "body": body.body, "author_id": actor.id,
                "author_name": actor.name, "ts": now}
        await tx.emit(ev.VISITOR_NOTE, {"visitor_id": vid, "note": note},
                      **await visitor_event_audience(tx.conn, vid))
        return note
