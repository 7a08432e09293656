"""Canned replies: the shared ones and the caller's own."""
from __future__ import annotations

from fastapi import APIRouter

from chatdesk.protocol.models import CannedReply
from chatdesk.protocol.requests import CannedCreateRequest

from ..deps import Ctx, CurrentOperator
from ..services import canned
from .answers import CannedList

router = APIRouter(tags=["canned replies"])


@router.get("/canned", response_model=CannedList)
async def list_canned(ctx: Ctx, actor: CurrentOperator):
    async with ctx.store.read() as conn:
        return {"canned": await canned.visible_to(conn, actor)}


@router.post("/canned", response_model=CannedReply, status_code=201)
async def create_canned(body: CannedCreateRequest, ctx: Ctx, actor: CurrentOperator):
    async with ctx.store.tx() as tx:
        return await canned.create(tx, actor, shortcut=body.shortcut, title=body.title, body=body.body,
                                   tags=body.tags, shared=body.shared)
