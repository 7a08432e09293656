"""Admin: webhook subscriptions and the outbox's deliveries (dead letters, redelivery). Admins only
(403 with a sentence otherwise); `chatdesk webhook` does the same from the command line."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from chatdesk.protocol.integrations import (
    Delivery,
    DeliveryAttempts,
    DeliveryList,
    WebhookList,
    WebhookRequest,
    WebhookSecret,
)
from chatdesk.protocol.limits import MAX_ID

from ..deps import Ctx, current_operator
from ..outbox import dead_letters, subscriptions
from ..security.tokens import Actor
from ..services.errors import Forbidden
from .answers import Ok


async def admin_only(actor: Annotated[Actor, Depends(current_operator)]) -> Actor:
    if actor.role != "admin":
        raise Forbidden("Only an admin can manage webhooks and deliveries.")
    return actor


router = APIRouter(prefix="/admin", tags=["admin: webhooks and deliveries"], dependencies=[Depends(admin_only)])
ID = Path(ge=1, le=MAX_ID)
DELIVERY_ID = Path(min_length=36, max_length=36)


@router.get("/webhooks", response_model=WebhookList)
async def list_webhooks(ctx: Ctx):
    async with ctx.store.read() as conn:
        return {"webhooks": await subscriptions.all_webhooks(conn)}


@router.post("/webhooks", response_model=WebhookSecret, status_code=201)
async def add_webhook(body: WebhookRequest, ctx: Ctx):
    async with ctx.db.write() as conn:
        return await subscriptions.add(conn, body.url, body.events)


@router.delete("/webhooks/{hook_id}", response_model=Ok)
async def remove_webhook(ctx: Ctx, hook_id: int = ID):
    async with ctx.db.write() as conn:
        await subscriptions.remove(conn, hook_id)
    return {"ok": True}


@router.post("/webhooks/{hook_id}/rotate", response_model=WebhookSecret)
async def rotate_secret(ctx: Ctx, hook_id: int = ID):
    async with ctx.db.write() as conn:
        return await subscriptions.rotate(conn, hook_id, ctx.config.rotation_overlap)


@router.get("/deliveries", response_model=DeliveryList)
async def list_deliveries(ctx: Ctx, state: Literal["pending", "delivered", "dead"] = Query("dead")):
    async with ctx.store.read() as conn:
        return {"deliveries": await dead_letters.deliveries(conn, state)}


@router.get("/deliveries/{delivery_id}", response_model=DeliveryAttempts)
async def delivery_attempts(ctx: Ctx, delivery_id: str = DELIVERY_ID):
    async with ctx.store.read() as conn:
        return await dead_letters.with_attempts(conn, delivery_id)


@router.post("/deliveries/{delivery_id}/redeliver", response_model=Delivery)
async def redeliver(ctx: Ctx, delivery_id: str = DELIVERY_ID):
    async with ctx.db.write() as conn:
        answer = await dead_letters.redeliver(conn, delivery_id, ctx.config.give_up_after)
    if ctx.outbox is not None:
        ctx.outbox.announce()
    return answer
