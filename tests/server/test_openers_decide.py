"""Opener rules deciding on the real services and a real SQLite file (or Postgres database), with a clock the test
moves (a rule waits 20 s on a page; an attribution window is days): support/inprocess.py."""
from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from chatdesk.protocol.openers import RuleCreate
from chatdesk.protocol.staff import TranscriptSummary
from chatdesk.server.services import (
    browsing,
    opener_rules,
    opener_stats,
    openers,
    orders,
    routing,
    transcripts,
    visitor_side,
)
from chatdesk.server.services.accounts import set_status
from chatdesk.server.storage import rows
from chatdesk.server.storage.schema import events as E
from chatdesk.server.storage.schema import invitations as I
from chatdesk.server.visitor_flows_config import flows_from_dict
from tests.support.inprocess import Site

PRODUCT, HOME = "https://shop.test/product/boots", "https://shop.test/"
SECOND_VISIT_ON_PRODUCT = {"url_pattern": "*/product/*", "min_page_seconds": 20, "min_visits": 2}


async def rule(site: Site, conditions: dict, control_percent: float = 0, **fields) -> dict:
    body = RuleCreate(name=fields.pop("name", "Boots, second visit"), conditions=conditions,
                      texts={"en": "Hi {visitor.name}, need help with {page.title}?"},
                      control_percent=control_percent, **fields)
    async with site.ctx.store.tx() as tx:
        return await opener_rules.create(tx, body.model_dump(), site.clock())


async def arrive(site: Site, url: str, vid: str | None = None, title: str = "Trail boots") -> str:
    s = await visitor_side.start_session(site.ctx, visitor_id=vid, url=url, title=title, referrer="")
    return s["visitor_id"]


async def second_visit(site: Site, url: str = PRODUCT) -> str:
    vid = await arrive(site, url)
    site.clock.advance(site.config.visit_gap + 60)
    return await arrive(site, url, vid)


async def invitations(site: Site, vid: str | None = None) -> list:
    async with site.ctx.store.read() as conn:
        q = select(I).order_by(I.c.id)
        return (await conn.execute(q.where(I.c.visitor_id == vid) if vid else q)).all()


async def test_product_page_twenty_seconds_second_visit_fires_once(tmp_path):
    async with Site(tmp_path / "chat.db") as site:
        await site.operator("Ana")
        await rule(site, SECOND_VISIT_ON_PRODUCT)
        first = await arrive(site, PRODUCT)
        site.clock.advance(60)
        assert await openers.decide(site.ctx, first) == (None, None)      # first visit: never

        vid = await second_visit(site)
        site.clock.advance(12)
        invite, check_in = await openers.decide(site.ctx, vid)
        assert invite is None and check_in == pytest.approx(8)            # 8 s more on the page
        site.clock.advance(8)
        invite, _ = await openers.decide(site.ctx, vid)
        assert invite is not None and invite["body"] == "Hi there, need help with Trail boots?"
        again, _ = await openers.decide(site.ctx, vid)
        assert again == invite                                            # the same one, until answered
        await openers.report(site.ctx, vid, invite["id"], "dismissed")
        await visitor_side.pageview(site.ctx, vid, PRODUCT + "?colour=red", "Trail boots", "")
        site.clock.advance(30)
        assert await openers.decide(site.ctx, vid) == (None, None)        # dismissed: none in this visit
        assert len(await invitations(site, vid)) == 1

        elsewhere = await second_visit(site, HOME)
        site.clock.advance(60)
        assert await openers.decide(site.ctx, elsewhere) == (None, None)  # not a product page
        assert await invitations(site, elsewhere) == []


async def test_never_while_nobody_could_answer_or_while_chatting(tmp_path):
    async with Site(tmp_path / "chat.db") as site:
        ana = await site.operator("Ana", max_chats=1)
        await rule(site, {"url_pattern": "*/product/*"})
        await set_status(site.ctx, ana.id, "away")
        vid = await arrive(site, PRODUCT)
        assert await openers.decide(site.ctx, vid) == (None, None)
        assert await invitations(site, vid) == []                         # not even qualified

        await set_status(site.ctx, ana.id, "online")
        busy = await arrive(site, PRODUCT)
        chat = await visitor_side.start_conversation(site.ctx, busy, client_msg_id="m1", body="Hi", name=None,
                                                     email=None, department=None, address="127.0.0.1")
        assert await openers.decide(site.ctx, busy) == (None, None)       # chatting: never
        async with site.ctx.store.tx() as tx:
            await routing.accept(tx, chat["conversation"]["id"], ana)     # Ana is at her cap now
        assert await openers.decide(site.ctx, vid) == (None, None)
        assert await invitations(site, vid) == []


@pytest.mark.timeout(360)   # a hang guard: a thousand visits took a minute on a loaded 2-core machine, either engine
async def test_the_control_share_over_a_thousand_qualifying_visits(tmp_path):
    async with Site(tmp_path / "chat.db") as site:
        await site.operator("Ana")
        r = await rule(site, {"url_pattern": "*/product/*"}, control_percent=10)
        async def visit() -> bool:
            vid = await arrive(site, PRODUCT)
            invite, _ = await openers.decide(site.ctx, vid)
            return invite is not None
        shown = 0
        for _ in range(50):        # 20 visitors at a time: on Postgres, round trips overlap
            shown += sum(await asyncio.gather(*(visit() for _ in range(20))))
        found = await invitations(site)
        control = [i for i in found if i.grp == "control"]
        assert len(found) == 1000 and shown == 1000 - len(control)
        assert 60 <= len(control) <= 140                                  # 10 % ± 4 sigma (sigma 9.5)
        assert all(i.state == "control" and i.shown_at is None for i in control)
        for inv in control:                                               # and never shown later
            assert (await openers.decide(site.ctx, inv.visitor_id))[0] is None
        async with site.ctx.store.read() as conn:
            stats = await opener_stats.rule_stats(conn, r, 0, site.clock() + 1, site.config.attribution_window)
        assert stats["control"]["visits"] == len(control) and stats["control"]["shown"] == 0
        assert stats["treatment"]["visits"] == shown and stats["qualified"] == 1000


async def test_an_order_counts_for_the_chat_within_the_window_and_not_after(tmp_path):
    async with Site(tmp_path / "chat.db", attribution_days=7) as site:
        ana = await site.operator("Ana")

        async def chat_then_order(days_later: float, ref: str) -> dict:
            vid = await arrive(site, PRODUCT)
            chat = await visitor_side.start_conversation(site.ctx, vid, client_msg_id=ref, body="Do they run small?",
                                                         name=None, email=None, department=None, address="127.0.0.1")
            cid = chat["conversation"]["id"]
            async with site.ctx.store.tx() as tx:
                await routing.accept(tx, cid, ana)
                await visitor_side.convs.close(tx, cid, tags=["sizing"])
            site.clock.advance(days_later * 86_400)
            return {"cid": cid, **await orders.order(site.ctx, vid, ref, 120.0, "eur")}

        inside = await chat_then_order(6.9, "A-1")
        assert (inside["conversation_id"], inside["operator_id"]) == (inside["cid"], ana.id)
        outside = await chat_then_order(7.1, "A-2")
        assert (outside["conversation_id"], outside["operator_id"]) == (None, None)
        async with site.ctx.store.read() as conn:
            credited = (await conn.execute(select(E.c.data).where(E.c.type == "order.attributed"))).scalars().all()
        assert [(d["order"]["order_ref"], d["operator_id"], d["tags"]) for d in credited] == [("A-1", ana.id, ["sizing"])]
        # the transcript list shows what the chat sold (the review screen's Sold column)
        async with site.ctx.store.read() as conn:
            found = await transcripts.search(conn, q=None, operator_id=None, tag=None, since=None, until=None,
                                             rating=None, mark=None)
        sold = {t.conversation.id: (t.orders, t.revenue, t.currency) for t in map(TranscriptSummary.model_validate, found)}
        assert sold == {inside["cid"]: (1, 120.0, "EUR"), outside["cid"]: (0, 0.0, "")}


async def test_a_tab_that_keeps_beating_on_one_page_stays_in_the_same_visit(tmp_path):
    async with Site(tmp_path / "chat.db") as site:
        vid = await arrive(site, PRODUCT)
        for _ in range(4):                              # twice the visit gap on one page, beating
            site.clock.advance(site.config.visit_gap / 2)
            browsing.touched(site.ctx, vid)
        await visitor_side.pageview(site.ctx, vid, HOME, "Home", "")
        async with site.ctx.store.read() as conn:
            assert (await rows.visitor_row(conn, vid)).visit_count == 1
        site.clock.advance(site.config.visit_gap + 1)   # then quiet for longer than the gap
        await visitor_side.pageview(site.ctx, vid, HOME, "Home", "")
        async with site.ctx.store.read() as conn:
            assert (await rows.visitor_row(conn, vid)).visit_count == 2


async def test_never_outside_the_opening_hours_of_the_rules_department(tmp_path):
    """A reply outside opening hours would be refused (409), so the visit does not qualify then."""
    warsaw = ZoneInfo("Europe/Warsaw")
    weekdays = {d: "08:00-16:00" for d in ("monday", "tuesday", "wednesday", "thursday", "friday")}
    flows = flows_from_dict({"hours": {"time_zone": "Europe/Warsaw", "week": weekdays,
                                       "departments": {"sales": {"saturday": "10:00-14:00"}}}})
    async with Site(tmp_path / "chat.db", flows=flows) as site:
        await site.operator("Ana", departments=("sales", "support"))
        await rule(site, {"url_pattern": "*/product/*"}, name="Anyone")
        await rule(site, {"url_pattern": "*/sale/*"}, name="Sales", department="sales")
        site.ctx.now = lambda: datetime(2026, 12, 5, 11, 0, tzinfo=warsaw)      # a Saturday, 11:00
        closed = await arrive(site, PRODUCT)
        assert await openers.decide(site.ctx, closed) == (None, None)
        assert await invitations(site, closed) == []                           # not even qualified
        sale = await arrive(site, "https://shop.test/sale/boots")
        invite, _ = await openers.decide(site.ctx, sale)                       # Sales works Saturdays
        assert invite is not None and (await invitations(site, sale))[0].rule_id is not None

        site.ctx.now = lambda: datetime(2026, 12, 7, 9, 0, tzinfo=warsaw)       # Monday, 9:00
        site.clock.advance(site.config.visit_gap + 60)
        monday = await arrive(site, PRODUCT, closed)
        invite, _ = await openers.decide(site.ctx, monday)
        assert invite is not None
