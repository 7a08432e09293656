"""A chat database with opener figures in it, made by simulated shoppers on the real services
(support/inprocess.py) with a clock that starts days ago, so a real server started on the file
afterwards reports them for "last 7 days" and not for "today". The shoppers react to the opener
with a hidden true effect, so the figures are the product's own arithmetic, not typed in."""
from __future__ import annotations

import random
import time
from pathlib import Path

from chatdesk.protocol.openers import RuleCreate
from chatdesk.server.services import opener_rules
from chatdesk.simulator.shopper import ShopperModel, VisitTally, shop_visit
from tests.support.inprocess import InProcessShopSite, Site

PRODUCT_RULE = "Product pages"
BOOTS_RULE = "Boots help"
NO_FLOOD_LIMITS = {"chats_per_address": 0, "new_chats_per_address": 0, "new_chats_per_visitor": 0}


async def seed_opener_figures(path: Path, visits: int = 240, effect: float = 0.25, days_ago: float = 3.0,
                              seed: int = 11) -> VisitTally:
    """Two rules: PRODUCT_RULE (every product page, half the visits in the control group) meets
    `visits` shoppers; BOOTS_RULE (a page nobody visits) has no figures."""
    async with Site(path, **NO_FLOOD_LIMITS) as site:
        site.clock.now = time.time() - days_ago * 86_400
        await site.operator("Ana", max_chats=50)
        async with site.ctx.store.tx() as tx:
            for name, pattern in ((PRODUCT_RULE, "*/product.html*"), (BOOTS_RULE, "*/boots-nobody-visits*")):
                body = RuleCreate(name=name, conditions={"url_pattern": pattern},
                                  texts={"en": "Questions about {page.title}?"}, control_percent=50)
                await opener_rules.create(tx, body.model_dump(), site.clock())
        model = ShopperModel(baseline=0.10, true_effect=effect, reply_rate=0.05, pages=(1, 2))
        rng, tally = random.Random(seed), VisitTally()
        for i in range(visits):
            await shop_visit(InProcessShopSite(site), random.Random(rng.random()), model, tally, f"O-{i}")
        assert site.clock.now < time.time() - 3600, "the simulated visits must end before now"
    return tally
