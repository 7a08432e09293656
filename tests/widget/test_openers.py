"""Openers in the real widget, in Chromium, against the real server: the rule "product page, at
least N seconds on it, second visit" (N = 3 here instead of 20) invites a matching visitor once in
the visit and never a non-matching one, never twice, never while no operator is free; a dismissal
holds for the rest of the visit; a reply starts a chat with the opener; the rule's control group
qualifies but never sees it. The server counts 5 s of quiet as the end of a visit and 4 s
without a beat as gone (so the widget beats every 2 s, and a beating tab stays in its visit)."""
from __future__ import annotations

import asyncio
import time

from tests.support.api import Operator
from tests.support.shop_visits import INVITE, Heartbeats, invite_shown, no_invite_past, visit_again
from tests.support.widget_page import visitor_id_of
from tests.support.widget_pages import DESKTOP, new_page, write_first

GAP, SECONDS, IDLE = 5.0, 3.0, 4.0
RULE = {"name": "Product, second visit", "control_percent": 0,
        "conditions": {"url_pattern": "*/shop/product.html*", "min_page_seconds": SECONDS, "min_visits": 2},
        "texts": {"en": "Back for {page.title}? Ask us about sizes.", "fi": "Takaisin? Kysy meiltä koosta."}}


async def opener_server(server_factory):
    srv = server_factory("--visit-gap", str(GAP), "--browsing-idle", str(IDLE))
    sam = await Operator.create(srv, "sam@example.com", role="supervisor")
    ana = await Operator.create(srv, "ana@example.com")
    await ana.status("online")
    rule = await sam.ok("POST", "/openers/rules", RULE)
    return srv, sam, ana, rule


async def shopper(browser, errors: list[str]):
    page = await new_page(browser, DESKTOP, errors)
    return page, Heartbeats.of(page)


async def figures(sam: Operator, rule: dict) -> dict:
    return await sam.ok("GET", f"/openers/rules/{rule['id']}/stats?since=0&until={time.time() + 3600}")


async def test_a_second_visit_on_a_product_page_is_invited_once_and_others_never(server_factory, browser):
    srv, sam, _ana, rule = await opener_server(server_factory)
    errors: list[str] = []
    product = srv.url + "/shop/product.html"
    page, beats = await shopper(browser, errors)
    first_time, first_beats = await shopper(browser, errors)
    elsewhere, elsewhere_beats = await shopper(browser, errors)

    await page.goto(product)
    await visitor_id_of(page)
    await elsewhere.goto(product)
    await visitor_id_of(elsewhere)
    await asyncio.gather(visit_again(page, product + "?item=rain-jacket", GAP),
                         visit_again(elsewhere, srv.url + "/shop/shipping.html", GAP))   # not a product page
    await first_time.goto(product)                                           # a product page, first visit

    text = await invite_shown(page)
    assert text == "Back for Storm Shell rain jacket — Northwind Outfitters? Ask us about sizes."
    # Not before the rule's time on the page: an earlier beat was told how long to wait (check_in)
    # and beat again then.
    waited = [b.answer["check_in"] for b in beats.beats if b.answer.get("check_in") is not None]
    assert waited and 0 < waited[0] <= SECONDS and not beats.beats[0].answer.get("invite")
    checked = beats.invites()[0]
    assert checked["manual"] is False and checked["body"] == text
    box = page.locator(INVITE)
    assert await box.get_attribute("aria-label") == "A message from the shop"
    assert await page.locator(f"{INVITE} .cd-invite-dismiss").get_attribute("aria-label") == "Dismiss this message"

    await no_invite_past(first_time, first_beats, SECONDS + 1, "a first visit")
    await no_invite_past(elsewhere, elsewhere_beats, SECONDS + 1, "a second visit on another page")

    # Once in the visit: the next page shows the same invitation again (not a new one) until it is
    # answered or dismissed ...
    await page.goto(product)
    await invite_shown(page)
    assert {i["id"] for i in beats.invites()} == {checked["id"]}
    stats = await figures(sam, rule)
    assert (stats["qualified"], stats["treatment"]["shown"]) == (1, 1)
    # ... and once dismissed, never again in this visit.
    await page.click(f"{INVITE} .cd-invite-dismiss")
    await box.wait_for(state="hidden")
    assert await page.evaluate("document.activeElement.className") == "cd-bubble"
    await page.goto(product + "?item=wool-socks")
    await no_invite_past(page, beats, SECONDS + 1, "after the dismissal")
    stats = await figures(sam, rule)
    assert (stats["qualified"], stats["treatment"]["dismissed"]) == (1, 1)
    assert errors == []


async def test_never_while_no_operator_is_free_and_then_once_someone_is(server_factory, browser):
    srv, sam, ana, rule = await opener_server(server_factory)
    await ana.status("away")
    await sam.status("away")                                        # a supervisor could answer too
    errors: list[str] = []
    page, beats = await shopper(browser, errors)
    product = srv.url + "/shop/product.html"
    await page.goto(product)
    await visitor_id_of(page)
    await visit_again(page, product, GAP)
    await no_invite_past(page, beats, SECONDS + 1, "nobody free")
    assert (await figures(sam, rule))["qualified"] == 0          # not even counted: nobody could answer
    await ana.status("online")
    opener = await invite_shown(page)
    assert (await figures(sam, rule))["qualified"] == 1
    # The reply: a chat that starts with the rule's opener, waiting in the queue for whoever is free.
    await page.click(f"{INVITE} .cd-invite-reply")
    async with page.expect_response(lambda r: r.url.endswith("/reply")) as replied:
        await write_first(page, "Do they come in half sizes?")
    started = (await (await replied.value).json())["conversation"]
    assert started["state"] == "queued" and started["id"] in await ana.queue_ids()
    messages = (await ana.detail(started["id"])).json()["messages"]
    assert [(m["author_type"], m["body"]) for m in messages if m["kind"] in ("text", "system")][:2] == [
        ("system", opener), ("visitor", "Do they come in half sizes?")]
    await page.locator("#chatdesk .cd-invite-line").wait_for(state="detached", timeout=20_000)
    await page.locator("#chatdesk .cd-system[data-id]", has_text=opener).wait_for(timeout=20_000)   # the chat's own
    assert (await figures(sam, rule))["treatment"]["accepted"] == 1
    assert errors == []


async def test_the_control_group_qualifies_but_is_never_shown(server_factory, browser):
    srv, sam, _ana, rule = await opener_server(server_factory)
    await sam.ok("PATCH", f"/openers/rules/{rule['id']}", {"control_percent": 100})
    errors: list[str] = []
    page, beats = await shopper(browser, errors)
    product = srv.url + "/shop/product.html"
    await page.goto(product)
    await visitor_id_of(page)
    await visit_again(page, product, GAP)
    await no_invite_past(page, beats, SECONDS + 1, "the control group")
    stats = await figures(sam, rule)
    assert (stats["qualified"], stats["control"]["visits"], stats["treatment"]["visits"]) == (1, 1, 0)
    assert stats["control"]["shown"] == 0
    assert errors == []
