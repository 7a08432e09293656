"""Shoppers: visitors who browse the demo shop, fill a cart, meet openers and sometimes buy. How
likely they buy is the model's: a baseline, plus a hidden true effect when an opener was shown
to them. The server never sees the effect; its opener figures (control group against shown) have
to find it. Pure decisions over a `ShopSite`, so the same shopper runs against the real server
over HTTP (shop_site.HttpShopSite) or, in tests, against the services in-process."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Protocol

from chatdesk.simulator import script
from chatdesk.simulator.walk import walk

PRODUCTS = [page for page in script.SHOP_PAGES if "product.html" in page[0]]
THANKS = ("/shop/thanks.html", "Thank you for your order — Northwind Outfitters")
PRICES = (39.0, 59.0, 89.0, 129.0, 149.0)
REPLIES = ("Yes please, do these run small?", "Is the jacket really waterproof?", "Can I return them?")


class ShopSite(Protocol):
    """One shopper's connection to the chat server, as the widget and the page API use it."""

    async def arrive(self, url: str, title: str, referrer: str) -> None: ...
    async def view(self, url: str, title: str) -> dict[str, Any]: ...          # heartbeat answer
    async def heartbeat(self) -> dict[str, Any]: ...
    async def event(self, body: dict[str, Any]) -> dict[str, Any]: ...
    async def invite_seen(self, invite_id: int, action: str) -> None: ...
    async def reply(self, invite_id: int, body: str) -> None: ...
    async def leave(self) -> None: ...                                        # closes a chat, if any
    async def wait(self, seconds: float) -> None: ...


@dataclass(frozen=True)
class ShopperModel:
    baseline: float = 0.10          # chance a visit ends in an order
    true_effect: float = 0.0        # added to it when an opener was shown (hidden from the server)
    reply_rate: float = 0.10        # chance to answer a shown opener (a chat starts)
    pages: tuple[int, int] = (2, 4)  # product pages per visit
    dwell: tuple[float, float] = (5.0, 40.0)   # seconds on a page

    def __post_init__(self) -> None:
        if not 0 <= self.baseline <= 1 or not 0 <= self.baseline + self.true_effect <= 1:
            raise ValueError("baseline and baseline + true_effect must be chances between 0 and 1")


@dataclass
class VisitTally:
    visits: int = 0
    invited: int = 0
    replied: int = 0
    dismissed: int = 0
    orders: int = 0
    revenue: float = 0.0
    order_refs: list[str] = field(default_factory=list)


async def shop_visit(site: ShopSite, rng: random.Random, model: ShopperModel, tally: VisitTally,
                     order_ref: str) -> None:
    """One visit: land, look at a few products (the widget beating on each), meet an opener if the
    server sends one, maybe fill the cart and buy."""
    referrer, tag = rng.choice(script.REFERRERS)
    await site.arrive(script.HOME[0] + tag, script.HOME[1], referrer)
    tally.visits += 1
    invite: dict[str, Any] | None = None
    cart = 0.0
    products = [rng.choice(PRODUCTS) for _ in range(rng.randint(*model.pages))]

    async def view(url: str, title: str, _referrer: str) -> dict[str, Any]:
        return await site.view(url, title)

    async for _url, _title, answer in walk(products, view, lambda: site.wait(rng.uniform(*model.dwell))):
        answer = answer if answer.get("invite") else await site.heartbeat()
        if invite is None and answer.get("invite"):
            invite = answer["invite"]
            tally.invited += 1
            await site.invite_seen(invite["id"], "shown")
            if rng.random() < model.reply_rate:
                await site.reply(invite["id"], rng.choice(REPLIES))
                tally.replied += 1
            else:
                await site.invite_seen(invite["id"], "dismissed")
                tally.dismissed += 1
        if rng.random() < 0.5:
            cart += rng.choice(PRICES)
            await site.event({"type": "cart", "value": cart, "currency": "EUR", "items": 1})
    chance = model.baseline + (model.true_effect if invite is not None else 0.0)
    if rng.random() < chance:
        value = cart or rng.choice(PRICES)
        await site.view(*THANKS)
        await site.event({"type": "order", "id": order_ref, "value": value, "currency": "EUR"})
        tally.orders += 1
        tally.revenue += value
        tally.order_refs.append(order_ref)
    await site.leave()
