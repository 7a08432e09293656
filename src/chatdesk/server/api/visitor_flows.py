"""The visitor's flows over HTTP: is chat available now (opening hours, operators, the queue's
cap), and where a waiting visitor stands in the queue (also sent live as the stream's `queue`
frame, realtime/queue_watch.py)."""
from __future__ import annotations

from fastapi import APIRouter, Path, Query

from chatdesk.protocol.limits import MAX_ID, MAX_NAME
from chatdesk.protocol.visitor_flows import Availability, QueueStanding

from ..deps import Ctx, CurrentVisitor
from ..services import availability as avail
from ..services import visitor_side, waiting_line

router = APIRouter(prefix="/visitor", tags=["visitor side"])


@router.get("/availability", response_model=Availability)
async def availability(ctx: Ctx, _vid: CurrentVisitor,
                       department: str | None = Query(default=None, max_length=MAX_NAME)):
    async with ctx.store.read() as conn:
        return await avail.availability(conn, ctx.config.flows, department or None, ctx.now())


@router.get("/conversations/{cid}/queue", response_model=QueueStanding)
async def queue_standing(ctx: Ctx, vid: CurrentVisitor, cid: int = Path(ge=1, le=MAX_ID)):
    async with ctx.store.read() as conn:
        await visitor_side.own(conn, vid, cid)
        return await waiting_line.standing_of(conn, cid, ctx.config.flows.queue)
