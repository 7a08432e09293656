"""Supervisors and trainers in live chats: the board, monitor (watch/unwatch), join, take over,
reassign, and the approval queue for novices. Staff only (403 with a sentence otherwise)."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Path, Query, Request

from chatdesk.protocol.models import Approval, Conversation
from chatdesk.protocol.requests import ApprovalAction, ReassignRequest
from chatdesk.protocol.staff import Board, StaffPresence

from .. import approvals, board, supervision
from ..auth import Actor, current_operator, require_staff
from ..state import ctx_of
from ..stats import today_start
from . import conversations as conversation_routes

router = APIRouter()
ID = Path(ge=1, le=2 ** 62)


@router.get("/board", response_model=Board)
async def get_board(request: Request, actor: Actor = Depends(current_operator),
                    since: float | None = Query(None, ge=0, le=1e11)):
    require_staff(actor, "see the board")
    queue = (await conversation_routes.queue(request, actor))["queue"]
    async with ctx_of(request).store.read() as conn:
        return await board.board(conn, since=since if since is not None else today_start(), queue=queue)


@router.post("/conversations/{cid}/watch", response_model=StaffPresence)
async def watch(request: Request, cid: int = ID, actor: Actor = Depends(current_operator)):
    require_staff(actor, "monitor another operator's chat")
    async with ctx_of(request).store.tx() as tx:
        return await supervision.watch(tx, cid, actor, True)


@router.post("/conversations/{cid}/unwatch", response_model=StaffPresence)
async def unwatch(request: Request, cid: int = ID, actor: Actor = Depends(current_operator)):
    require_staff(actor, "monitor another operator's chat")
    async with ctx_of(request).store.tx() as tx:
        return await supervision.watch(tx, cid, actor, False)


@router.post("/conversations/{cid}/join", response_model=StaffPresence)
async def join(request: Request, cid: int = ID, actor: Actor = Depends(current_operator)):
    require_staff(actor, "join another operator's chat")
    async with ctx_of(request).store.tx() as tx:
        return await supervision.join(tx, cid, actor)


@router.post("/conversations/{cid}/takeover", response_model=Conversation)
async def take_over(request: Request, cid: int = ID, actor: Actor = Depends(current_operator)):
    require_staff(actor, "take over a chat")
    async with ctx_of(request).store.tx() as tx:
        return await supervision.take_over(tx, cid, actor)


@router.post("/conversations/{cid}/reassign", response_model=Conversation)
async def reassign(body: ReassignRequest, request: Request, cid: int = ID,
                   actor: Actor = Depends(current_operator)):
    require_staff(actor, "reassign a chat")
    async with ctx_of(request).store.tx() as tx:
        return await supervision.reassign(tx, cid, actor, body.operator_id, body.note)


@router.get("/approvals")
async def list_approvals(request: Request, actor: Actor = Depends(current_operator),
                         state: Literal["pending", "approved", "rejected", "all"] = Query("pending"),
                         conversation_id: int | None = Query(None, ge=1, le=2 ** 62)):
    require_staff(actor, "see the approval queue")
    async with ctx_of(request).store.read() as conn:
        return {"approvals": await approvals.listing(conn, None if state == "all" else state, conversation_id)}


@router.post("/approvals/{approval_id}", response_model=Approval)
async def resolve_approval(body: ApprovalAction, request: Request, approval_id: int = Path(ge=1, le=2 ** 62),
                           actor: Actor = Depends(current_operator)):
    require_staff(actor, "approve or reject a novice's message")
    async with ctx_of(request).store.tx() as tx:
        return await approvals.resolve(tx, approval_id, actor, action=body.action, body=body.body, note=body.note)


