"""Work items over HTTP: a visitor asks for a callback or leaves an offline message; operators
list, claim, call, release and finish them (services/work_items.py)."""
from __future__ import annotations

from fastapi import APIRouter, Path, Query, Request

from chatdesk.protocol.limits import MAX_ID
from chatdesk.protocol.models import Operator
from chatdesk.protocol.work_items import (
    MAX_REQUEST_PAGE,
    REQUEST_PAGE,
    WorkDoneRequest,
    WorkFilter,
    WorkItem,
    WorkItemPage,
    WorkRequestCreate,
    WorkRequestCreated,
)

from ..deps import Ctx, CurrentOperator, CurrentVisitor
from ..security.limits import client_address
from ..services import work_items
from ..storage import rows

router = APIRouter(tags=["work items"])
visitor_router = APIRouter(prefix="/visitor", tags=["visitor side"])
ID = Path(ge=1, le=MAX_ID)


class CalledItem(WorkItem):
    """The answer to a call: the item, and the caller now on the phone."""
    operator: Operator


@visitor_router.post("/requests", response_model=WorkRequestCreated, status_code=201)
async def create(body: WorkRequestCreate, request: Request, ctx: Ctx, vid: CurrentVisitor):
    address = client_address(request.scope)

    async def admit(conn) -> None:
        await ctx.requests.admit(conn, address, vid)
    async with ctx.store.tx() as tx:
        return await work_items.from_visitor(tx, vid, body.model_dump(), admit=admit,
                                             due_after=ctx.config.request_due)


@router.get("/requests", response_model=WorkItemPage)
async def listing(ctx: Ctx, actor: CurrentOperator,
                  state: WorkFilter = Query("pending", description="open, claimed, mine, done, or pending "
                                                                   "(open or claimed)"),
                  limit: int = Query(REQUEST_PAGE, ge=1, le=MAX_REQUEST_PAGE,
                                     description="at most this many, the most urgent first")):
    async with ctx.store.read() as conn:
        items, total = await work_items.listing(conn, actor, state, limit)
        return {"items": items, "total": total}


@router.get("/requests/{item_id}", response_model=WorkItem)
async def one(ctx: Ctx, _actor: CurrentOperator, item_id: int = ID):
    async with ctx.store.read() as conn:
        return await work_items.item(conn, item_id)


@router.post("/requests/{item_id}/claim", response_model=WorkItem)
async def claim(ctx: Ctx, actor: CurrentOperator, item_id: int = ID):
    async with ctx.store.tx() as tx:
        return await work_items.claim(tx, item_id, actor)


@router.post("/requests/{item_id}/call", response_model=CalledItem)
async def call(ctx: Ctx, actor: CurrentOperator, item_id: int = ID):
    async with ctx.store.tx() as tx:
        found = await work_items.call(tx, item_id, actor)
        return {**found, "operator": await rows.operator(tx.conn, actor.id)}


@router.post("/requests/{item_id}/done", response_model=WorkItem)
async def done(body: WorkDoneRequest, ctx: Ctx, actor: CurrentOperator, item_id: int = ID):
    async with ctx.store.tx() as tx:
        return await work_items.done(tx, item_id, actor, body.note)


@router.post("/requests/{item_id}/release", response_model=WorkItem)
async def release(ctx: Ctx, actor: CurrentOperator, item_id: int = ID):
    async with ctx.store.tx() as tx:
        return await work_items.release(tx, item_id, actor)
