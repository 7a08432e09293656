"""What the shop's pages report (the page API): carts, orders, who the visitor is. An order is
credited to a chat by last touch: the visitor's latest chat that an operator took, if the order
came while it was open or within the attribution window after it closed; the chat's operator
(whoever held it at the end) and its tags get the credit, and `order.attributed` tells staff and
that operator. Orders also count for openers (services/opener_stats.py), whether or not a chat
came of them."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import insert, or_, select, update

from chatdesk.protocol import events as ev

from ..context import ServerContext
from ..storage import rows
from ..storage.db import AnyConn
from ..storage.schema import conversations as C
from ..storage.schema import orders as O
from ..storage.schema import visitors as V
from . import browsing
from .stats import local_hour
from .visitors import event_audience


def order_dict(r: Any) -> dict[str, Any]:
    return {"id": r.id, "order_ref": r.order_ref, "value": r.value, "currency": r.currency, "ts": r.ts,
            "conversation_id": r.conversation_id, "operator_id": r.operator_id}


async def credited_chat(conn: AnyConn, vid: str, at: float, window: float):
    """The chat an order at `at` counts for (last touch), or None."""
    return (await conn.execute(select(C).where(
        C.c.visitor_id == vid, C.c.operator_id.is_not(None), C.c.accepted_at.is_not(None),
        C.c.accepted_at <= at, or_(C.c.closed_at.is_(None), C.c.closed_at >= at - window))
        .order_by(C.c.accepted_at.desc(), C.c.id.desc()).limit(1))).first()


async def cart(ctx: ServerContext, vid: str, value: float, currency: str, items: int) -> None:
    async with ctx.store.tx() as tx:
        await browsing.set_fields(ctx, tx, vid, cart_value=value, cart_currency=currency.upper(), cart_items=items)


async def identify(ctx: ServerContext, vid: str, name: str | None, email: str | None) -> None:
    """A logged-in customer: their name and e-mail on the visitor, as an operator would set them."""
    changes = {k: v for k, v in (("name", name), ("email", email)) if v}
    if not changes:
        return
    async with ctx.store.tx() as tx:
        await tx.conn.execute(update(V).where(V.c.id == vid).values(**changes))
        visitor = await rows.visitor(tx.conn, vid, ctx.hub.visitor_connected(vid))
        await tx.emit(ev.VISITOR_UPDATED, {"visitor": visitor}, **await event_audience(tx.conn, vid))
    browsing.touched(ctx, vid)


async def order(ctx: ServerContext, vid: str, ref: str, value: float, currency: str) -> dict[str, Any]:
    """Record an order once (a reloaded thank-you page reports it again) and credit it."""
    now = ctx.clock()
    async with ctx.store.tx() as tx:
        old = (await tx.conn.execute(select(O).where(O.c.visitor_id == vid, O.c.order_ref == ref))).first()
        if old is not None:
            return order_dict(old)
        chat = await credited_chat(tx.conn, vid, now, ctx.config.attribution_window)
        res = await tx.conn.execute(insert(O).values(
            visitor_id=vid, order_ref=ref, value=value, currency=currency.upper(), ts=now,
            conversation_id=chat.id if chat else None, operator_id=chat.operator_id if chat else None))
        row = (await tx.conn.execute(select(O).where(O.c.id == res.inserted_primary_key[0]))).one()
        if chat is not None:
            await tx.emit(ev.ORDER_ATTRIBUTED, {"order": order_dict(row), "visitor_id": vid,
                                                "conversation_id": chat.id, "operator_id": chat.operator_id,
                                                "tags": list(chat.tags)},
                          ops=(chat.operator_id,))
    browsing.touched(ctx, vid)
    return order_dict(row)


async def credited_in(conn: AnyConn, since: float, until: float) -> list[Any]:
    """Orders credited to chats that started in [since, until) (the chat was fixed at order time,
    by last touch within the attribution window): who got the credit, the chat, its start, the value."""
    return list((await conn.execute(select(O.c.operator_id, O.c.conversation_id, O.c.value, C.c.queued_at)
                                    .join(C, C.c.id == O.c.conversation_id)
                                    .where(C.c.queued_at >= since, C.c.queued_at < until))).all())


def tally(found: list[Any], key: Callable[[Any], int]) -> dict[int, dict[str, Any]]:
    """Credited orders grouped by `key`: chats with an order, orders, revenue (currencies are
    added as they come: one shop, one currency)."""
    out: dict[int, dict[str, Any]] = {}
    chats: dict[int, set[int]] = {}
    for r in found:
        figures = out.setdefault(key(r), {"orders": 0, "revenue": 0.0, "converted": 0})
        figures["orders"] += 1
        figures["revenue"] = round(figures["revenue"] + r.value, 2)
        chats.setdefault(key(r), set()).add(r.conversation_id)
    for k, cids in chats.items():
        out[k]["converted"] = len(cids)
    return out


def by_operator(found: list[Any]) -> dict[int, dict[str, Any]]:
    """By the credited operator (whoever held the chat at the end)."""
    return tally(found, lambda r: r.operator_id)


def by_hour(found: list[Any]) -> dict[int, dict[str, Any]]:
    """By the server local hour the credited chat started in (its queued_at), as the report's
    hours count chats: an order at 11:10 after a chat queued at 10:50 counts for 10:00."""
    return tally(found, lambda r: local_hour(r.queued_at))
