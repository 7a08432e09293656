"""Visitors on the site over the real HTTP API and streams: the list (sorted, filtered, paged),
the page API's cart and identify, the batched feed on the operator stream, leaving by idleness."""
from __future__ import annotations

import asyncio
import json

import httpx

from chatdesk.server.services import visitor_side
from chatdesk.server.services.browsing import BATCH_ROWS, Feed
from tests.support.api import Operator
from tests.support.inprocess import Site
from tests.support.stream import live_stream
from tests.support.visitor import Visitor

LANDING = "https://shop.test/product/boots?utm_source=newsletter&utm_medium=email&utm_campaign=spring"


async def browsing(op: Operator, **query) -> dict:
    r = await op.get("/browsing", params=query)
    assert r.status_code == 200, r.text
    return r.json()


async def test_the_list_sorted_filtered_with_cart_campaign_and_state(server_factory):
    srv = server_factory("--browsing-idle", "600")
    ana = await Operator.create(srv, "ana@example.com")
    boots = await Visitor(srv).arrive(url=LANDING, title="Trail boots", referrer="https://mail.example/")
    cart = await Visitor(srv).arrive(url="https://shop.test/", title="Home")
    await cart.call("POST", "/visitor/events", {"type": "cart", "value": 129.5, "currency": "eur", "items": 2})
    await cart.call("POST", "/visitor/events", {"type": "identify", "name": "Ola Nordmann", "email": "ola@example.com"})
    await boots.view("https://shop.test/product/boots/reviews", "Reviews")     # the campaign stays

    page = await browsing(ana, sort="cart_value")
    assert [v["id"] for v in page["visitors"]] == [cart.id, boots.id] and page["total"] == page["online"] == 2
    first, second = page["visitors"]
    assert first["cart"] == {"value": 129.5, "currency": "EUR", "items": 2} and first["name"] == "Ola Nordmann"
    assert second["campaign"] == {"source": "newsletter", "medium": "email", "campaign": "spring"}
    assert second["current_title"] == "Reviews" and second["referrer"] == "https://mail.example/"
    assert second["cart"] is None and second["state"] == "browsing" and second["visit_count"] == 1

    assert [v["id"] for v in (await browsing(ana, q="SPRING"))["visitors"]] == [boots.id]
    assert [v["id"] for v in (await browsing(ana, min_cart=100))["visitors"]] == [cart.id]
    one = await browsing(ana, sort="cart_value", descending=False, limit=1)
    assert [v["id"] for v in one["visitors"]] == [boots.id] and one["total"] == 2
    await boots.start_chat("Do they run small?")
    queued = await browsing(ana, state="queued")
    assert [v["id"] for v in queued["visitors"]] == [boots.id]


async def test_the_feed_is_batched_and_says_who_left(server_factory):
    srv = server_factory("--browsing-idle", "2")
    ana = await Operator.create(srv, "ana@example.com")
    desk = await live_stream(srv, ana.token)
    stays = await Visitor(srv).arrive(url="https://shop.test/")
    leaves = await Visitor(srv).arrive(url="https://shop.test/sale")
    frame = await desk.next(lambda f: f["type"] == "visitors.browsing" and len(f.get("visitors", [])) == 2)
    assert {v["id"] for v in frame["visitors"]} == {stays.id, leaves.id} and frame["online"] == 2

    async def beat() -> None:
        while True:
            await stays.call("POST", "/visitor/heartbeat", {"language": "de-DE"})
            await asyncio.sleep(0.3)

    beating = asyncio.create_task(beat())
    try:
        gone = await desk.next(lambda f: f["type"] == "visitors.browsing" and f.get("gone"), timeout=15)
        assert gone["gone"] == [leaves.id] and gone["online"] == 1
        page = await browsing(ana)
        assert [(v["id"], v["language"]) for v in page["visitors"]] == [(stays.id, "de-DE")]
    finally:
        beating.cancel()


async def test_a_crowd_costs_each_desk_a_few_frames_not_one_per_visitor(server_factory):
    srv = server_factory("--browsing-idle", "600")
    ana = await Operator.create(srv, "ana@example.com")
    desk = await live_stream(srv, ana.token)
    async with httpx.AsyncClient(base_url=srv.url + "/api/v1") as http:
        async def arrive(i: int) -> str:
            r = await http.post("/visitor/sessions", json={"url": f"https://shop.test/p/{i}"})
            assert r.status_code == 201, r.text
            return r.json()["visitor_id"]
        ids: set[str] = set()
        for start in range(0, 260, 20):
            ids |= set(await asyncio.gather(*(arrive(i) for i in range(start, start + 20))))
    frames: list[dict] = []
    while not frames or frames[-1]["online"] < 260:
        frames.append(await desk.next(lambda f: f["type"] == "visitors.browsing", timeout=15))
    told = {v["id"] for f in frames for v in f.get("visitors", [])}
    assert told == ids or any(f.get("reload") for f in frames)      # each one told, or "reload"
    assert len(frames) <= 26                                        # batches: not a frame per visitor
    assert (await browsing(ana, limit=500))["total"] == 260


async def test_a_batch_of_more_than_two_hundred_changes_is_a_reload(tmp_path):
    async with Site(tmp_path / "chat.db") as site:
        feed = Feed()
        for i in range(BATCH_ROWS + 1):
            await visitor_side.start_session(site.ctx, visitor_id=None, url=f"https://shop.test/p/{i}",
                                             title="", referrer="")
        assert await feed.batch(site.ctx) == {"type": "visitors.browsing", "reload": True, "online": BATCH_ROWS + 1}
        assert await feed.batch(site.ctx) is None                    # nothing new: no frame at all
        vid = await visitor_side.start_session(site.ctx, visitor_id=None, url="https://shop.test/", title="",
                                               referrer="")
        frame = await feed.batch(site.ctx)
        assert frame is not None and [v["id"] for v in frame["visitors"]] == [vid["visitor_id"]]


async def test_malformed_page_events_get_a_sentence(shared_server):
    v = await Visitor(shared_server).arrive()
    for bad in ({"type": "cart", "value": -1}, {"type": "refund", "value": 3},
                {"type": "order", "value": 10}, {"type": "cart", "value": 5, "currency": "euro"}):
        r = await v.http.post("/visitor/events", json=bad)
        assert r.status_code == 422 and r.json()["error"] == "invalid" and r.json()["message"], (bad, r.text)
    nobody = await Visitor(shared_server).http.post("/visitor/events", json={"type": "cart", "value": 1})
    assert nobody.status_code == 401


def test_rows_for_the_other_processes_come_in_frames_a_bus_datagram_carries():
    from chatdesk.server.cluster.bus import MAX_DATAGRAM, TAG
    from chatdesk.server.services.browsing import fit_datagrams
    rows = [{"id": f"v{i}", "current_url": "https://shop.test/" + "p" * 1500} for i in range(20)]
    frames = list(fit_datagrams(rows, online=20))
    assert len(frames) > 1 and [v for f in frames for v in f["visitors"]] == rows
    def datagram(frame: dict) -> int:      # as cluster/bus.py sends it: tag + JSON
        return TAG + len(json.dumps({"k": "frame", "frame": frame, "to": ["operators"]}, separators=(",", ":")))
    assert all(datagram(f) <= MAX_DATAGRAM for f in frames)
    assert all(f["online"] == 20 and "gone" not in f for f in frames)
