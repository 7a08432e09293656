"""The demo's shoppers: first a quick burst of simulated shoppers (the morning's traffic), so the
Openers screen has figures as soon as it opens; then a steady trickle of shoppers at human speed,
so the Visitors list moves and openers fire while you watch. They buy more often after an opener
was shown, by a hidden true effect (simulator/shopper.py) that the figures have to find.

The burst waits until an operator is online (an opener never fires while nobody could answer),
then pauses the campaign rule whose time is over (demo/openers.py). Trickle shoppers beat every
BEAT seconds on a page as the widget does, and some are earlier shoppers (the burst's too) coming
back after the server's visit gap as returning visitors (the "second visit" rule is for them). Kept small for a 2-core machine: a few
shoppers at a time, one request every few seconds each.

Run as a child process of `chatdesk demo` (its output goes to a log file):
    python -m chatdesk.demo.shoppers URL [--burst N] [--lanes N] [--true-effect E] [--visit-gap S]
"""
from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import uuid
from dataclasses import dataclass, field

import httpx

from chatdesk.demo import openers as demo_openers
from chatdesk.demo.seed import PASSWORD, SUPERVISOR
from chatdesk.protocol.limits import API_PREFIX
from chatdesk.simulator.shop_site import HttpShopSite
from chatdesk.simulator.shopper import ShopperModel, VisitTally, shop_visit

BURST = 320                  # shopping visits at start: enough for the basket rule's interval (50 a group)
BURST_BREATH = 0.05          # seconds between the burst's shoppers: the desk's and colleagues' calls go first
TRICKLE_LANES = 3            # shoppers on the site at once afterwards
BETWEEN = (4.0, 15.0)        # seconds before a lane's next shopper arrives
RETURN_CHANCE = 0.4          # a trickle shopper is someone who was here before, when there is one
RETURN_MARGIN = 15.0         # seconds beyond the visit gap before they come back: surely a new visit
BEAT = 10.0                  # seconds between heartbeats on a page, as the widget beats
GIVE_UP_AFTER = 20           # failed visits in a row: the server is gone, stop


class BeatingShopSite(HttpShopSite):
    """A shopper whose open page beats every BEAT seconds, as the widget's does: the visitor
    stays on the desk's list while reading, and a rule's time on the page is noticed when it
    comes. An invite decided during a beat stays pending, so the shopper meets it on the next
    look at the page (shop_visit's own heartbeat)."""

    async def wait(self, seconds: float) -> None:
        left = seconds * self.time_scale
        while left > BEAT:
            await asyncio.sleep(BEAT)
            left -= BEAT
            await self.heartbeat()
        await asyncio.sleep(max(0.0, left))


@dataclass
class Regulars:
    """Trickle shoppers who left, and when: candidates for a returning visit once the server
    counts their next arrival as a new visit."""
    gap: float
    left_at: dict[str, float] = field(default_factory=dict)

    def pick(self, rng: random.Random) -> str | None:
        now = time.monotonic()
        ready = [vid for vid, t in self.left_at.items() if now - t > self.gap]
        if not ready or rng.random() >= RETURN_CHANCE:
            return None
        vid = rng.choice(ready)
        del self.left_at[vid]
        return vid

    def left(self, vid: str | None) -> None:
        if vid:
            self.left_at[vid] = time.monotonic()


def _log(line: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {line}", flush=True)


async def someone_online(url: str, timeout: float = 300.0) -> bool:
    """Wait until an operator is online (the colleagues sign in a few seconds after the desk
    starts); False after `timeout` seconds. Looks as the demo's supervisor, signed in for the
    wait only (the sign-out puts them offline again unless the desk holds their session)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=url + API_PREFIX, timeout=20, trust_env=False) as http:
        staff: dict[str, str] = {}
        try:
            while time.monotonic() < deadline:
                try:
                    if not staff:
                        answer = await http.post("/auth/login", json={"email": SUPERVISOR, "password": PASSWORD})
                        answer.raise_for_status()
                        staff = {"Authorization": f"Bearer {answer.json()['token']}"}
                    people = (await http.get("/operators", headers=staff)).json().get("operators", [])
                    # Not the supervisor this looks with: signing in has put them online.
                    if any(p.get("status") == "online" and p.get("email") != SUPERVISOR for p in people):
                        return True
                except (httpx.HTTPError, ValueError, KeyError) as e:
                    _log(f"waiting for an operator: {e.__class__.__name__}: {e}")
                await asyncio.sleep(1.0)
            return False
        finally:
            if staff:
                try:
                    await http.post("/auth/logout", headers=staff)
                except httpx.HTTPError:
                    pass


async def burst(url: str, shoppers: int, model: ShopperModel, seed: int | None = None,
                regulars: Regulars | None = None) -> VisitTally:
    """The morning's shoppers, one after another as fast as the server answers (the desk and the
    colleagues start on the same cores). Nobody replies to an opener: a chat started and left
    within a second would only be a missed chat on the board. Each shopper joins `regulars`, so
    the trickle brings some back as returning visitors."""
    quick = ShopperModel(baseline=model.baseline, true_effect=model.true_effect, reply_rate=0.0,
                         pages=model.pages, dwell=model.dwell)
    rng, tally, run_id = random.Random(seed), VisitTally(), uuid.uuid4().hex[:8]
    async with httpx.AsyncClient(timeout=20.0, trust_env=False) as http:
        for i in range(shoppers):
            site = HttpShopSite(http, url, time_scale=0.0)
            await shop_visit(site, random.Random(rng.random()), quick, tally, f"DEMO-{run_id}-{i}")
            if regulars is not None:
                regulars.left(site.visitor_id)
            await asyncio.sleep(BURST_BREATH)
    return tally


async def trickle(url: str, model: ShopperModel, lanes: int, visit_gap: float,
                  rng: random.Random, visits: int | None = None, regulars: Regulars | None = None) -> VisitTally:
    """Shoppers at human speed, `lanes` at a time, until stopped (or `visits` visits in all);
    some are `regulars` coming back."""
    tally = VisitTally()
    regulars = regulars if regulars is not None else Regulars(gap=visit_gap + RETURN_MARGIN)
    started = 0
    failures = 0

    async def lane(http: httpx.AsyncClient) -> None:
        nonlocal started, failures
        while visits is None or started < visits:
            started += 1
            site = BeatingShopSite(http, url, visitor_id=regulars.pick(rng))
            try:
                await shop_visit(site, random.Random(rng.random()), model, tally, f"DEMO-{uuid.uuid4().hex[:10]}")
                failures = 0
            except httpx.HTTPError as e:
                failures += 1
                _log(f"a shopper's visit failed: {e.__class__.__name__}: {e}")
                if failures >= GIVE_UP_AFTER:
                    raise
            regulars.left(site.visitor_id)
            await asyncio.sleep(rng.uniform(*BETWEEN))

    async with httpx.AsyncClient(timeout=20.0, trust_env=False) as http:
        await asyncio.gather(*(lane(http) for _ in range(max(1, lanes))))
    return tally


def _tally_line(what: str, t: VisitTally) -> str:
    return (f"{what}: {t.visits} visits, {t.invited} shown an opener ({t.replied} replied, {t.dismissed} dismissed), "
            f"{t.orders} orders worth {t.revenue:.2f}")


async def run(url: str, shoppers: int, lanes: int, model: ShopperModel, visit_gap: float,
              seed: int | None) -> None:
    regulars = Regulars(gap=visit_gap + RETURN_MARGIN)
    if shoppers and await someone_online(url):
        _log(f"burst: {shoppers} shoppers, one at a time")
        try:
            _log(_tally_line("burst", await burst(url, shoppers, model, seed, regulars)))
        except httpx.HTTPError as e:
            _log(f"the burst stopped early: {e.__class__.__name__}: {e}")
        try:
            await asyncio.to_thread(demo_openers.pause_rules, url)
            _log(f"paused: {', '.join(demo_openers.PAUSED_AFTER_BURST)}")
        except httpx.HTTPError as e:
            _log(f"could not pause {', '.join(demo_openers.PAUSED_AFTER_BURST)}: {e}")
    if lanes:
        _log(_tally_line("trickle", await trickle(url, model, lanes, visit_gap, random.Random(seed), regulars=regulars)))


def main() -> None:
    parser = argparse.ArgumentParser(prog="chatdesk.demo.shoppers")
    parser.add_argument("url")
    parser.add_argument("--burst", type=int, default=BURST, help="shopping visits at start (0: none)")
    parser.add_argument("--lanes", type=int, default=TRICKLE_LANES, help="trickle shoppers at once (0: none)")
    parser.add_argument("--true-effect", type=float, default=0.05,
                        help="added to the chance of an order when an opener was shown")
    parser.add_argument("--visit-gap", type=float, default=45.0, help="the server's --visit-gap")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    try:
        model = ShopperModel(true_effect=args.true_effect)
    except ValueError as e:
        raise SystemExit(f"chatdesk.demo.shoppers: {e}") from None
    try:
        asyncio.run(run(args.url, max(0, args.burst), max(0, args.lanes), model, args.visit_gap, args.seed))
    except KeyboardInterrupt:
        pass
    except httpx.HTTPError as e:
        print(f"stopped: the server stopped answering ({e})", file=sys.stderr, flush=True)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
