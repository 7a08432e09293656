"""Simulated shoppers with a hidden true effect of the opener: the opener figures must find it.
In-process on the real services and a real SQLite file, with a moved clock (support/inprocess.py),
for speed; the 20,000-visit run of the issue is slow-marked, a 600-visit run with a larger
effect is the default (about 15 s on a quiet machine). Also: shoppers over real HTTP against a real server."""
from __future__ import annotations

import math
import random
import subprocess
import sys

import pytest

from chatdesk.protocol.openers import RuleCreate
from chatdesk.server.services import opener_rules, opener_stats
from chatdesk.simulator.shop_site import run_shoppers
from chatdesk.simulator.shopper import ShopperModel, VisitTally, shop_visit
from tests.support.api import Operator
from tests.support.inprocess import InProcessShopSite, Site

NO_FLOOD_LIMITS = {"chats_per_address": 0, "new_chats_per_address": 0, "new_chats_per_visitor": 0}


async def measured(tmp_path, visits: int, effect: float, seed: int) -> tuple[dict, VisitTally]:
    async with Site(tmp_path / "chat.db", **NO_FLOOD_LIMITS) as site:
        await site.operator("Ana", max_chats=50)
        body = RuleCreate(name="Any product", conditions={"url_pattern": "*/product.html*"},
                          texts={"en": "Questions about {page.title}?"}, control_percent=50)
        async with site.ctx.store.tx() as tx:
            rule = await opener_rules.create(tx, body.model_dump(), site.clock())
        model = ShopperModel(baseline=0.10, true_effect=effect, reply_rate=0.05, pages=(1, 2))
        rng, tally = random.Random(seed), VisitTally()
        for i in range(visits):
            await shop_visit(InProcessShopSite(site), random.Random(rng.random()), model, tally, f"O-{i}")
        async with site.ctx.store.read() as conn:
            stats = await opener_stats.rule_stats(conn, rule, 0, site.clock() + 1, site.config.attribution_window)
    return stats, tally


@pytest.mark.slow
@pytest.mark.timeout(3600)          # about eight minutes on a quiet machine
async def test_twenty_thousand_visits_recover_a_five_point_effect(tmp_path):
    """The issue's check: the 95 % interval contains the true +5 points. A correct 95 % interval
    misses in about one run in twenty by design (visitor ids, hence the groups, are random)."""
    stats, tally = await measured(tmp_path, 20_000, 0.05, seed=5)
    up = stats["uplift"]
    assert stats["qualified"] == tally.visits == 20_000
    assert up is not None and up["low"] <= 0.05 <= up["high"], up
    assert up["low"] > 0                                           # and the effect is told from none


async def test_six_hundred_visits_find_a_large_effect(tmp_path):
    effect = 0.30
    stats, tally = await measured(tmp_path, 600, effect, seed=7)
    t, c, up = stats["treatment"], stats["control"], stats["uplift"]
    assert t["visits"] + c["visits"] == stats["qualified"] == 600
    assert c["shown"] == 0 and t["shown"] == t["visits"] == tally.invited   # control: never shown
    assert t["orders"] + c["orders"] == tally.orders                      # every order counted once
    assert up is not None and up["low"] > 0 and up["method"] == "newcombe"
    se = math.sqrt(t["conversion"] * (1 - t["conversion"]) / t["visits"]
                   + c["conversion"] * (1 - c["conversion"]) / c["visits"])
    assert abs(up["difference"] - effect) < 4 * se                        # 4 standard errors: 1 in 15,000


async def test_shoppers_over_http_meet_openers_and_buy(server):
    sam = await Operator.create(server, "sam@example.com", role="supervisor")
    ana = await Operator.create(server, "ana@example.com")
    await ana.status("online")
    await sam.ok("POST", "/openers/rules", {"name": "Any product", "conditions": {"url_pattern": "*/product.html*"},
                                            "texts": {"en": "Need a hand?"}, "control_percent": 0})
    model = ShopperModel(baseline=0.5, true_effect=0.5, reply_rate=0.0, pages=(1, 1), dwell=(0.0, 0.05))
    tally = await run_shoppers(server.url, 6, model, lanes=3, seed=3)
    assert tally.visits == 6 and tally.invited == 6 and tally.orders == 6        # shown: they all buy
    (figures,) = (await sam.ok("GET", "/openers/stats"))["rules"]
    assert figures["treatment"]["visits"] == 6 and figures["treatment"]["dismissed"] == 6
    assert figures["treatment"]["orders"] == 6 and figures["treatment"]["revenue"] > 0
    online = await ana.ok("GET", "/browsing")
    assert online["online"] == 6


def test_the_simulate_command_runs_shoppers(server):
    """`chatdesk simulate --shoppers`, the real command against the real server."""
    out = subprocess.run([sys.executable, "-m", "chatdesk", "simulate", "--url", server.url, "--shoppers", "4",
                          "--visitors", "2", "--baseline", "1", "--true-effect", "0", "--pace", "0.001",
                          "--seed", "1"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("4 shopping visits: 0 shown an opener") and "4 orders worth" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "chatdesk", "simulate", "--url", server.url, "--shoppers", "4",
                          "--baseline", "0.9", "--true-effect", "0.2"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "between 0 and 1" in bad.stderr
