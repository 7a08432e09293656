"""`GET /desk`: everything a desk needs to start, in one request and one consistent snapshot."""
from __future__ import annotations

from fastapi import APIRouter, Query

from chatdesk.protocol.models import DeskSnapshot

from ..deps import Ctx, CurrentOperator
from ..services import desk
from ..services.operator_views import DEFAULT_PAGE, MAX_PAGE

router = APIRouter(tags=["desk"])


@router.get("/desk", response_model=DeskSnapshot)
async def desk_snapshot(ctx: Ctx, actor: CurrentOperator,
                        last: int = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE, description="messages per open chat")):
    return await desk.snapshot(ctx, actor, last)
