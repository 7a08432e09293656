"""A shopper's connection over the real visitor API (httpx), and `chatdesk simulate --shoppers`:
shoppers one after another in a few parallel lanes, for the demo's live traffic and figures."""
from __future__ import annotations

import argparse
import asyncio
import random
import sys
import uuid
from typing import Any

import httpx

from chatdesk.protocol.limits import API_PREFIX
from chatdesk.simulator.shopper import ShopperModel, VisitTally, shop_visit


class HttpShopSite:
    def __init__(self, http: httpx.AsyncClient, base_url: str, time_scale: float = 1.0,
                 visitor_id: str | None = None) -> None:
        """`visitor_id`: a shopper who was here before comes back as that visitor (a returning
        visit once the server's --visit-gap has passed); after `arrive` it is this shopper's id."""
        self.http, self.base = http, base_url.rstrip("/")
        self.time_scale = time_scale
        self.visitor_id = visitor_id
        self.headers: dict[str, str] = {}
        self.conversation_id: int | None = None

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        r = await self.http.post(self.base + API_PREFIX + path, json=body, headers=self.headers)
        r.raise_for_status()
        answer: dict[str, Any] = r.json()
        return answer

    async def arrive(self, url: str, title: str, referrer: str) -> None:
        body = {"url": self.base + url, "title": title, "referrer": referrer}
        s = await self._post("/visitor/sessions", body | ({"visitor_id": self.visitor_id} if self.visitor_id else {}))
        self.headers = {"Authorization": f"Bearer {s['visitor_token']}"}
        self.visitor_id = s["visitor_id"]

    async def view(self, url: str, title: str) -> dict[str, Any]:
        return await self._post("/visitor/pageviews", {"url": self.base + url, "title": title})

    async def heartbeat(self) -> dict[str, Any]:
        return await self._post("/visitor/heartbeat", {})

    async def event(self, body: dict[str, Any]) -> dict[str, Any]:
        return await self._post("/visitor/events", body)

    async def invite_seen(self, invite_id: int, action: str) -> None:
        await self._post(f"/visitor/invites/{invite_id}", {"action": action})

    async def reply(self, invite_id: int, body: str) -> None:
        started = await self._post(f"/visitor/invites/{invite_id}/reply",
                                   {"client_msg_id": uuid.uuid4().hex, "body": body})
        self.conversation_id = started["conversation"]["id"]

    async def leave(self) -> None:
        if self.conversation_id is not None:
            await self._post(f"/visitor/conversations/{self.conversation_id}/close", {})
            self.conversation_id = None

    async def wait(self, seconds: float) -> None:
        await asyncio.sleep(seconds * self.time_scale)


async def run_shoppers(url: str, shoppers: int, model: ShopperModel, *, lanes: int = 4,
                       seed: int | None = None, time_scale: float = 1.0) -> VisitTally:
    """`shoppers` visits, `lanes` at a time; returns what the shoppers did (the truth the
    server's figures are compared with)."""
    rng, tally = random.Random(seed), VisitTally()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(shoppers):
        queue.put_nowait(i)
    run_id = uuid.uuid4().hex[:8]

    async def lane(http: httpx.AsyncClient) -> None:
        while not queue.empty():
            i = queue.get_nowait()
            site = HttpShopSite(http, url, time_scale)
            await shop_visit(site, random.Random(rng.random()), model, tally, f"SIM-{run_id}-{i}")

    async with httpx.AsyncClient(timeout=20.0) as http:
        await asyncio.gather(*(lane(http) for _ in range(max(1, lanes))))
    return tally


MAX_SHOPPERS = 50_000


def run_shoppers_command(args: argparse.Namespace) -> int:
    """`chatdesk simulate --shoppers N`: N shopping visits (loopback servers only), then a line
    with what they did, the truth the Openers figures are compared with."""
    from chatdesk.simulator.run import SimulatorError, check_loopback
    try:
        url = check_loopback(args.sim_url)
        model = ShopperModel(baseline=args.baseline, true_effect=args.true_effect)
    except (SimulatorError, ValueError) as e:
        print(f"chatdesk simulate: {e}", file=sys.stderr)
        return 2
    shoppers = max(0, min(args.shoppers, MAX_SHOPPERS))
    try:
        tally = asyncio.run(run_shoppers(url, shoppers, model, lanes=max(1, args.visitors), seed=args.seed,
                                          time_scale=max(0.0, args.pace)))
    except httpx.HTTPError as e:
        print(f"chatdesk simulate: the server stopped answering ({e})", file=sys.stderr)
        return 1
    print(f"{tally.visits} shopping visits: {tally.invited} shown an opener ({tally.replied} replied, "
          f"{tally.dismissed} dismissed), {tally.orders} orders worth {tally.revenue:.2f}")
    return 0
