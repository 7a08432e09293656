"""Supervisors and trainers in live chats: the board, monitor (watch/unwatch), join, take over,
reassign, and the approval queue for novices. Staff only (403 with a sentence otherwise)."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Path, Query

from chatdesk.protocol.limits import MAX_ID, MAX_TIMESTAMP
from chatdesk.protocol.models import Approval, Conversation
from chatdesk.protocol.requests import ApprovalAction, ReassignRequest
from chatdesk.protocol.staff import Board, StaffPresence

from ..deps import Ctx, CurrentOperator, staff_only
from ..services import approvals, board, supervision
from .answers import ApprovalList

router = APIRouter(tags=["supervision"])
ID = Path(ge=1, le=MAX_ID)
MONITOR = [Depends(staff_only("monitor another operator's chat"))]


@router.get("/board", response_model=Board, dependencies=[Depends(staff_only("see the board"))])
async def get_board(ctx: Ctx, since: float | None = Query(None, ge=0, le=MAX_TIMESTAMP)):
    async with ctx.store.read() as conn:
        return await board.board(conn, since=since, connected=ctx.hub.visitor_connected)


@router.post("/conversations/{cid}/watch", response_model=StaffPresence, dependencies=MONITOR)
async def watch(ctx: Ctx, actor: CurrentOperator, cid: int = ID):
    async with ctx.store.tx() as tx:
        return await supervision.watch(tx, cid, actor, True)


@router.post("/conversations/{cid}/unwatch", response_model=StaffPresence, dependencies=MONITOR)
async def unwatch(ctx: Ctx, actor: CurrentOperator, cid: int = ID):
    async with ctx.store.tx() as tx:
        return await supervision.watch(tx, cid, actor, False)


@router.post("/conversations/{cid}/join", response_model=StaffPresence,
             dependencies=[Depends(staff_only("join another operator's chat"))])
async def join(ctx: Ctx, actor: CurrentOperator, cid: int = ID):
    async with ctx.store.tx() as tx:
        return await supervision.join(tx, cid, actor)


@router.post("/conversations/{cid}/takeover", response_model=Conversation,
             dependencies=[Depends(staff_only("take over a chat"))])
async def take_over(ctx: Ctx, actor: CurrentOperator, cid: int = ID):
    async with ctx.store.tx() as tx:
        return await supervision.take_over(tx, cid, actor)


@router.post("/conversations/{cid}/reassign", response_model=Conversation,
             dependencies=[Depends(staff_only("reassign a chat"))])
async def reassign(body: ReassignRequest, ctx: Ctx, actor: CurrentOperator, cid: int = ID):
    async with ctx.store.tx() as tx:
        return await supervision.reassign(tx, cid, actor, body.operator_id, body.note)


@router.get("/approvals", response_model=ApprovalList,
            dependencies=[Depends(staff_only("see the approval queue"))])
async def list_approvals(ctx: Ctx, state: Literal["pending", "approved", "rejected", "all"] = Query("pending"),
                         conversation_id: int | None = Query(None, ge=1, le=MAX_ID)):
    async with ctx.store.read() as conn:
        return {"approvals": await approvals.listing(conn, None if state == "all" else state, conversation_id)}


@router.post("/approvals/{approval_id}", response_model=Approval,
             dependencies=[Depends(staff_only("approve or reject a novice's message"))])
async def resolve_approval(body: ApprovalAction, ctx: Ctx, actor: CurrentOperator,
                           approval_id: int = Path(ge=1, le=MAX_ID)):
    async with ctx.store.tx() as tx:
        return await approvals.resolve(tx, approval_id, actor, action=body.action, body=body.body, note=body.note)
