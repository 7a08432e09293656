"""Operator side of visitors: journey and history, contact fields, notes kept across conversations."""
from __future__ import annotations

from fastapi import APIRouter, Path

from chatdesk.protocol.models import VisitorDetail, VisitorNote
from chatdesk.protocol.requests import VisitorNoteRequest, VisitorUpdateRequest

from ..deps import Ctx, CurrentOperator
from ..services import visitors

router = APIRouter(tags=["visitors"])
VID = Path(min_length=1, max_length=64)


@router.get("/visitors/{vid}", response_model=VisitorDetail)
async def get_visitor(ctx: Ctx, actor: CurrentOperator, vid: str = VID):
    async with ctx.store.read() as conn:
        return await visitors.detail(conn, vid, actor, ctx.hub.visitor_connected(vid))


@router.patch("/visitors/{vid}", response_model=VisitorDetail)
async def patch_visitor(body: VisitorUpdateRequest, ctx: Ctx, actor: CurrentOperator, vid: str = VID):
    async with ctx.store.tx() as tx:
        return await visitors.update_contact(tx, vid, actor, body.model_dump(exclude_none=True),
                                             ctx.hub.visitor_connected(vid))


@router.post("/visitors/{vid}/notes", response_model=VisitorNote, status_code=201)
async def add_note(body: VisitorNoteRequest, ctx: Ctx, actor: CurrentOperator, vid: str = VID):
    async with ctx.store.tx() as tx:
        return await visitors.add_note(tx, vid, actor, body.body)
