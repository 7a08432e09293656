"""The desks' Visitors list across processes: a visitor whose page talks only to process B is in
the list fetched from process A, the same row there as on B, with heartbeats only and with a
stream only; it leaves A's list when it goes quiet past --browsing-idle, and when B is killed -9
once B's member row is stale (members.STALE_AFTER). A desk on A that keeps its list from a GET
and the feed's frames ends with what a fresh GET from A answers."""
from __future__ import annotations

import asyncio
import time

import pytest

from chatdesk.client.browsing_list import BrowsingList
from chatdesk.protocol.openers import BrowsingVisitor
from chatdesk.server.cluster.members import STALE_AFTER
from tests.support.api import Operator
from tests.support.cluster import Cluster
from tests.support.stream import Stream, live_stream
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

IDLE = 3.0
MOVING = ("page_seconds", "time_on_site")     # grow with the clock between two requests


@pytest.fixture
def cluster(tmp_path):
    cl = Cluster(tmp_path / "chat.db", 2, extra_args=["--browsing-idle", str(IDLE)]).start()
    yield cl
    cl.stop()


async def listed(staff: Operator) -> dict[str, dict]:
    r = await staff.get("/browsing", params={"limit": 500})
    assert r.status_code == 200, r.text
    return {v["id"]: v for v in r.json()["visitors"]}


def steady(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in MOVING}


class DeskList:
    """What the TUI keeps: GET /browsing once, then every visitors.browsing frame applied."""

    def __init__(self, staff: Operator, stream: Stream) -> None:
        self.staff, self.stream, self.list = staff, stream, BrowsingList(lambda change: None)
        self.frames: list[dict] = []

    async def load(self) -> None:
        r = (await self.staff.get("/browsing", params={"limit": 500})).json()
        self.list.replace([BrowsingVisitor.model_validate(v) for v in r["visitors"]], r["online"])

    async def drain(self) -> None:
        """Applies the frames that came (a reload frame loads the list again)."""
        while True:
            try:
                frame = await self.stream.next(lambda f: f["type"] == "visitors.browsing", timeout=0.05)
            except (AssertionError, TimeoutError):
                return
            self.frames.append(frame)
            if frame.get("reload"):
                await self.load()
            else:
                self.list.apply_frame(frame)

    async def agrees(self) -> bool:
        await self.drain()
        return set(self.list.visitors) == set(await listed(self.staff))


@pytest.mark.timeout(120)
async def test_a_visitor_beating_on_b_is_listed_on_a_until_quiet(cluster):
    a, b = cluster[0], cluster[1]
    lead_a = await Operator.create(a, "lead@example.com", role="supervisor")
    lead_b = Operator(b, lead_a.token)
    desk = DeskList(lead_a, await live_stream(a, lead_a.token))
    await desk.load()
    v = await Visitor(b).arrive(url="https://shop.test/boots?utm_source=news", title="Boots")
    arrived = time.monotonic()
    await wait_for(lambda: _has(lead_a, v.id), "the visitor of B in A's list", timeout=10)
    print(f"\non A's list {time.monotonic() - arrived:.2f} s after the page view on B")
    await v.call("POST", "/visitor/events", {"type": "cart", "value": 40, "currency": "eur", "items": 1})

    async def same_row() -> bool:
        on_a, on_b = await listed(lead_a), await listed(lead_b)
        return v.id in on_a and steady(on_a[v.id]) == steady(on_b.get(v.id, {}))
    await wait_for(same_row, "the same row from A and from B", timeout=10)
    row = (await listed(lead_a))[v.id]
    assert row["current_title"] == "Boots" and row["campaign"]["source"] == "news"
    assert row["cart"] == {"value": 40.0, "currency": "EUR", "items": 1}

    for _ in range(int(IDLE * 2)):            # past the idle time, beating to B only: still listed
        await v.call("POST", "/visitor/heartbeat", {})
        await asyncio.sleep(0.5)
        assert v.id in await listed(lead_a)
    await wait_for(desk.agrees, "the desk's list (GET + frames) as A answers", timeout=10)
    assert v.id in desk.list.visitors

    quiet = time.monotonic()
    await wait_for(lambda: _not(_has(lead_a, v.id)), "gone from A's list once quiet", timeout=IDLE + 10)
    gone = time.monotonic() - quiet
    print(f"gone from A's list {gone:.2f} s after the last heartbeat (idle {IDLE} s)")
    assert gone >= IDLE - 1.0
    await wait_for(desk.agrees, "the desk's list without the visitor", timeout=10)
    assert v.id not in desk.list.visitors
    assert any(v.id in f.get("gone", []) for f in desk.frames)
    await v.close()
    await desk.stream.close()
    await lead_a.close()
    await lead_b.close()


@pytest.mark.timeout(120)
async def test_a_visitor_streaming_on_b_is_listed_on_a_until_b_dies(cluster):
    a, b = cluster[0], cluster[1]
    lead_a = await Operator.create(a, "lead@example.com", role="supervisor")
    desk = DeskList(lead_a, await live_stream(a, lead_a.token))
    await desk.load()
    v = await Visitor(b).arrive()
    await v.open_stream()
    await wait_for(lambda: _has(lead_a, v.id), "the visitor of B in A's list", timeout=10)
    await asyncio.sleep(IDLE + 1.0)           # no heartbeat: the open stream keeps it on the site
    assert v.id in await listed(lead_a)
    await wait_for(desk.agrees, "the desk's list (GET + frames) as A answers", timeout=10)
    assert v.id in desk.list.visitors

    killed = time.monotonic()
    await asyncio.to_thread(b.kill)
    await wait_for(lambda: _not(_has(lead_a, v.id)), "gone from A's list once B died", timeout=STALE_AFTER + 10)
    seen = time.monotonic() - killed
    print(f"\ngone from A's list {seen:.1f} s after B was killed -9")
    assert seen >= STALE_AFTER - 1.0          # the member row's staleness, not something sooner
    await wait_for(desk.agrees, "the desk's list without the visitor", timeout=10)
    assert v.id not in desk.list.visitors
    await v.close()
    await desk.stream.close()
    await lead_a.close()


async def _has(staff: Operator, vid: str) -> bool:
    return vid in await listed(staff)


async def _not(answer) -> bool:
    return not await answer
