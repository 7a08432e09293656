"""The demo's opener rules and shoppers against the real server over HTTP: the rules go in through
the REST API (once, however often the demo seeds), the burst at start gives the basket and the
campaign rules figures with a control group that never saw the opener, and the campaign is paused
after it; the trickle's shoppers come back as returning visitors (the "second visit" rule is for
them) and beat while they read a page, so a rule's time on the page is noticed mid-read."""
from __future__ import annotations

import asyncio
import random
import subprocess
import sys

import httpx
import pytest

from chatdesk.demo import shoppers
from chatdesk.demo.openers import BIG_BASKET, NEWSLETTER, RULES, SECOND_LOOK, pause_rules, seed_rules
from chatdesk.demo.seed import PASSWORD, SUPERVISOR
from chatdesk.simulator.shopper import ShopperModel
from tests.support.api import Api, Operator
from tests.support.live_server import serving


async def _supervisor(srv) -> Api:
    await asyncio.to_thread(srv.add_user, SUPERVISOR, "Sam Okafor", "supervisor", password=PASSWORD)
    return Api(srv, await asyncio.to_thread(srv.login, SUPERVISOR, PASSWORD))


async def test_the_demo_rules_get_figures_from_the_burst_and_the_campaign_is_paused(server):
    sam = await _supervisor(server)
    assert not await shoppers.someone_online(server.url, timeout=1.5)     # nobody could answer yet
    ana = await Operator.create(server, "ana@demo.test", max_chats=4, departments=("sales",))
    await ana.status("online")

    ids = await asyncio.to_thread(seed_rules, server.url)
    assert list(ids) == [SECOND_LOOK, NEWSLETTER, BIG_BASKET]
    assert await asyncio.to_thread(seed_rules, server.url) == ids          # seeding again adds nothing
    rules = (await sam.ok("GET", "/openers/rules"))["rules"]
    assert [r["name"] for r in rules] == [r["name"] for r in RULES] and all(r["enabled"] for r in rules)
    assert rules[0]["conditions"]["visitor"] == "returning" and rules[0]["conditions"]["min_page_seconds"] == 20

    assert await shoppers.someone_online(server.url, timeout=30)
    regulars = shoppers.Regulars(gap=1.0)
    tally = await shoppers.burst(server.url, 120, ShopperModel(true_effect=0.05), seed=5, regulars=regulars)
    assert len(regulars.left_at) == 120                              # each may come back in the trickle
    await asyncio.to_thread(pause_rules, server.url)

    rules = {r["name"]: r for r in (await sam.ok("GET", "/openers/rules"))["rules"]}
    assert [n for n, r in rules.items() if not r["enabled"]] == [NEWSLETTER]
    stats = {s["rule_id"]: s for s in (await sam.ok("GET", "/openers/stats"))["rules"]}
    basket, campaign, second = (stats[ids[n]] for n in (BIG_BASKET, NEWSLETTER, SECOND_LOOK))
    for figures in (basket, campaign):
        t, c = figures["treatment"], figures["control"]
        assert t["visits"] > 0, figures
        assert figures["qualified"] == t["visits"] + c["visits"]
        # shown unless decided as the shopper left (on the thank-you page); never replied to in a burst
        assert 0 < t["shown"] == t["dismissed"] <= t["visits"] and t["accepted"] == 0
        assert c["shown"] == 0 and t["conversion"] is not None
        assert (c["conversion"] is not None) == (c["visits"] > 0)
    # The control groups fill too (which visitor lands in one hangs on the server's random visitor
    # ids, so a 20 % group of some fifteen visits may be empty: at least one of the two is not).
    assert basket["control"]["visits"] + campaign["control"]["visits"] > 0, (basket, campaign)
    assert second["qualified"] == 0                                  # nobody came back during the burst
    assert basket["treatment"]["shown"] + campaign["treatment"]["shown"] == tally.invited
    orders = sum(s[g]["orders"] for s in (basket, campaign) for g in ("treatment", "control"))
    assert 0 < orders <= tally.orders                                # every order counted once at most
    await sam.close()
    await ana.close()


@pytest.fixture(scope="module")
def quick_visits(tmp_path_factory):
    """A server that counts a one-second pause as a new visit, so shoppers return within a test."""
    yield from serving(tmp_path_factory.mktemp("demo-shoppers"), extra_args=["--visit-gap", "1"])


async def test_trickle_shoppers_come_back_as_returning_visitors(quick_visits, monkeypatch):
    srv = quick_visits
    sam = await _supervisor(srv)
    ana = await Operator.create(srv, "ana@trickle.test", max_chats=4)
    await ana.status("online")
    rule = await sam.ok("POST", "/openers/rules", {"name": "Returning", "conditions": {"visitor": "returning"},
                                                   "texts": {"en": "Welcome back!"}, "control_percent": 0})
    monkeypatch.setattr(shoppers, "BETWEEN", (1.6, 1.6))      # longer than the server's visit gap
    monkeypatch.setattr(shoppers, "RETURN_MARGIN", 0.3)
    monkeypatch.setattr(shoppers, "RETURN_CHANCE", 1.0)
    model = ShopperModel(reply_rate=0.0, pages=(1, 1), dwell=(0.0, 0.05))
    tally = await shoppers.trickle(srv.url, model, lanes=1, visit_gap=1.0, rng=random.Random(4), visits=3)
    assert tally.visits == 3 and tally.invited == 2                   # the second and third visit
    (figures,) = [s for s in (await sam.ok("GET", "/openers/stats"))["rules"] if s["rule_id"] == rule["id"]]
    assert figures["treatment"]["visits"] == 2 and figures["treatment"]["shown"] == 2
    on_site = (await sam.ok("GET", "/browsing"))["visitors"]
    assert [v["visit_count"] for v in on_site] == [3]                 # one shopper, three visits
    await sam.ok("PATCH", f"/openers/rules/{rule['id']}", {"enabled": False})
    await sam.close()
    await ana.close()


async def test_a_shopper_beats_while_reading_so_a_rule_on_time_fires_mid_read(quick_visits, monkeypatch):
    srv = quick_visits
    sam = Api(srv, await asyncio.to_thread(srv.login, SUPERVISOR, PASSWORD))
    ana = await Operator.create(srv, "ana@beats.test", max_chats=4)
    await ana.status("online")
    rule = await sam.ok("POST", "/openers/rules", {"name": "Lingering", "control_percent": 0,
                                                   "conditions": {"url_pattern": "*/product.html*", "min_page_seconds": 1},
                                                   "texts": {"en": "Can I help?"}})
    monkeypatch.setattr(shoppers, "BEAT", 0.3)
    async with httpx.AsyncClient(timeout=20) as http:
        site = shoppers.BeatingShopSite(http, srv.url)
        await site.arrive("/shop/", "Home", "")
        assert (await site.view("/shop/product.html", "Trail Runner 2"))["invite"] is None

        async def qualified() -> int:
            stats = (await sam.ok("GET", f"/openers/rules/{rule['id']}/stats"))
            return int(stats["qualified"])
        assert await qualified() == 0
        await site.wait(1.7)                 # beats at 0.3 … 1.5 s on the page: one of them qualifies
        assert await qualified() == 1        # decided by a beat during the read, not by a later look
        assert (await site.heartbeat())["invite"]["body"] == "Can I help?"   # and still waiting to be seen
    await sam.close()
    await ana.close()


def test_a_true_effect_that_is_no_chance_stops_the_demo_before_it_starts():
    done = subprocess.run([sys.executable, "-m", "chatdesk", "demo", "--true-effect", "2"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "--true-effect 2: baseline and baseline + true_effect must be chances between 0 and 1." in done.stderr
    assert "preparing" not in done.stdout                            # nothing started
