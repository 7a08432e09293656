"""Visitors on the site, for every operator: the sorted, filtered list and the manual invite.
Live changes come on the operator stream as batched `visitors.browsing` frames (services/browsing.py)."""
from __future__ import annotations

from fastapi import APIRouter, Path, Query

from chatdesk.protocol.limits import MAX_NAME
from chatdesk.protocol.openers import (
    MAX_MONEY,
    BrowsingPage,
    BrowsingSort,
    BrowsingState,
    Invitation,
    ManualInviteRequest,
)

from ..deps import Ctx, CurrentOperator
from ..services import browsing, openers

router = APIRouter(tags=["visitors on the site"])
VID = Path(min_length=1, max_length=64)
MAX_PAGE = 500


@router.get("/browsing", response_model=BrowsingPage)
async def on_the_site(ctx: Ctx, _actor: CurrentOperator, sort: BrowsingSort = "time_on_site",
                      descending: bool = True, q: str = Query("", max_length=MAX_NAME),
                      state: BrowsingState | None = None, returning: bool | None = None,
                      min_cart: float | None = Query(None, ge=0, le=MAX_MONEY),
                      offset: int = Query(0, ge=0, le=1_000_000), limit: int = Query(100, ge=1, le=MAX_PAGE)):
    return await browsing.page(ctx, sort=sort, descending=descending, q=q, state=state, returning=returning,
                               min_cart=min_cart, offset=offset, limit=limit)


@router.post("/browsing/{vid}/invite", response_model=Invitation, status_code=201)
async def invite(body: ManualInviteRequest, ctx: Ctx, actor: CurrentOperator, vid: str = VID):
    """Invite a browsing visitor with typed text or a canned reply; their reply starts a chat
    that is already yours."""
    return await openers.invite_by_hand(ctx, actor, vid, body=body.body, canned_id=body.canned_id)
