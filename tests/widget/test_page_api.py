"""The shop's page API and the heartbeat in the real widget, in Chromium, against the real server:
the demo shop's basket reports the cart and its thank-you page the order, which is credited to
the visitor's chat and its operator (the REST report); identify() names the visitor on the desk;
calls made before the widget loaded are replayed and bad ones never break the page; the heartbeat
keeps the visitor on the desk's list with their page and its time, and a tab hidden for the
server's idle time stops beating, so the visitor leaves the list until the tab shows again."""
from __future__ import annotations

import time

import pytest

from tests.support.api import Operator
from tests.support.live_server import serving
from tests.support.shop_origin import shop_csp
from tests.support.shop_visits import Heartbeats, hide_tab, show_tab, tab_visibility
from tests.support.waiting import wait_for
from tests.support.widget_page import visitor_id_of
from tests.support.widget_pages import DESKTOP, new_page, write_first

IDLE = 4.0          # --browsing-idle: the widget beats every 2 s


async def on_the_site(op: Operator, vid: str) -> dict | None:
    listed = await op.ok("GET", "/browsing?limit=500")
    return next((v for v in listed["visitors"] if v["id"] == vid), None)


async def add_to_basket(page, srv) -> None:
    """On the product page, "Add to basket": the basket page with the shoe in it."""
    await page.goto(srv.url + "/shop/product.html")
    await page.click("form button[type=submit]")
    await page.locator("#basket-lines li", has_text="Trail Runner 2").wait_for()


async def test_an_order_on_the_thank_you_page_is_credited_to_the_chat_and_its_operator(server_factory, browser):
    srv = server_factory()
    ana = await Operator.create(srv, "ana@example.com")
    sam = await Operator.create(srv, "sam@example.com", role="supervisor")
    await sam.status("away")
    errors: list[str] = []
    page = await new_page(browser, DESKTOP, errors)
    await page.goto(srv.url + "/shop/")
    await page.click("#chatdesk .cd-bubble")
    await write_first(page, "Do the Trail Runner 2 run small?")
    cid = (await wait_for(ana.queue_ids, "the chat in the queue", timeout=20))[0]
    assert (await ana.accept(cid)).status_code == 200
    await ana.say(cid, "They are true to size.")
    await page.locator("#chatdesk .cd-operator").first.wait_for(timeout=20_000)
    vid = await visitor_id_of(page)

    await add_to_basket(page, srv)
    cart = await wait_for(lambda: _cart(ana, vid), "the cart on the desk's list", timeout=20)
    assert cart == {"value": 129.9, "currency": "EUR", "items": 1}
    await page.click("text=Go to checkout")
    assert await page.locator("#checkout-total").text_content() == "€129.90"
    async with page.expect_response(lambda r: r.url.endswith("/visitor/events")
                                    and '"order"' in (r.request.post_data or "")) as answered:
        await page.click("text=Place order")
    order = (await (await answered.value).json())["order"]
    assert order["order_ref"] == await page.locator("#order-id").text_content()
    assert (order["value"], order["currency"], order["conversation_id"], order["operator_id"]) == \
        (129.9, "EUR", cid, ana.id)
    await page.reload()                                     # the thank-you page again: the same order
    await page.locator("#order-id", has_text=order["order_ref"]).wait_for()

    async def credited():
        report = await sam.ok("GET", "/reports/summary")
        mine = [o for o in report["by_operator"] if o["operator_id"] == ana.id]
        return mine and mine[0]["orders"] and mine[0]
    mine = await wait_for(credited, "the order in Ana's report", timeout=20)
    assert (mine["orders"], mine["revenue"], mine["converted"]) == (1, 129.9, 1)
    assert await wait_for(lambda: _cart(ana, vid, empty=True), "the emptied cart", timeout=20) == \
        {"value": 0.0, "currency": "EUR", "items": 0}
    assert errors == []


async def _cart(op: Operator, vid: str, empty: bool = False):
    v = await on_the_site(op, vid)
    cart = v and v["cart"]
    return cart if cart and (cart["value"] == 0) == empty else None


def account_page(chat_url: str) -> bytes:
    """A logged-in customer's page on the shop's own origin, with a strict CSP: the snippet and
    the page API calls in the shop's script, before the widget's."""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Your account</title>'
            f'<script src="/account.js"></script>'
            f'<script src="{chat_url}/widget/widget.js" defer></script></head>'
            f'<body><h1>Your account</h1><p id="after">the page still works</p></body></html>').encode()


ACCOUNT_JS = b"""
window.chatdesk = window.chatdesk || function () { (window.chatdesk.q = window.chatdesk.q || []).push(arguments); };
chatdesk("teleport", {to: "mars"});                       // no such call: dropped with a warning
chatdesk("order", {id: "", value: -5});                   // the server refuses it: dropped, said why
chatdesk("identify", {name: "Olga Nowak", email: "olga@example.com"});
chatdesk("cart", {value: "59.00", currency: "EUR", items: 2});
"""


@pytest.fixture
def chat(tmp_path, shop):
    """A chat server that answers the shop's origin."""
    yield from serving(tmp_path, extra_args=["--allowed-origin", shop.url])


async def test_identify_names_the_visitor_and_bad_calls_never_break_the_page(chat, shop, browser):
    shop.put("/account.html", account_page(chat.url), headers={"Content-Security-Policy": shop_csp(chat.url)})
    shop.put("/account.js", ACCOUNT_JS, content_type="text/javascript")
    ana = await Operator.create(chat, "ana@example.com", role="supervisor")    # reads any visitor
    errors: list[str] = []
    warnings: list[str] = []
    page = await new_page(browser, DESKTOP, errors)
    page.on("console", lambda m: (warnings if m.type == "warning" else errors if m.type == "error" else [])
            .append(m.text))
    await page.goto(shop.url + "/account.html")
    vid = await visitor_id_of(page)

    async def named():
        v = await on_the_site(ana, vid)
        return v and v["name"] == "Olga Nowak" and v["cart"] and v
    listed = await wait_for(named, "the visitor named on the desk's list", timeout=20)
    assert listed["cart"] == {"value": 59.0, "currency": "EUR", "items": 2}
    assert (await ana.ok("GET", f"/visitors/{vid}"))["email"] == "olga@example.com"
    await wait_for(lambda: len(warnings) >= 2, "the two refused calls on the console", timeout=20)
    assert any("unknown call 'teleport'" in w for w in warnings), warnings
    assert any("chatdesk:" in w and "teleport" not in w for w in warnings), warnings
    assert await page.locator("#after").text_content() == "the page still works"
    assert [e for e in errors if "422" not in e] == []   # the browser logs the refused request itself
    # Later calls go straight to the server (the queue was taken over).
    await page.evaluate("chatdesk('identify', {name: 'Olga N.'})")
    await wait_for(lambda: _named(ana, vid, "Olga N."), "the new name", timeout=20)


async def _named(op: Operator, vid: str, name: str) -> bool:
    v = await on_the_site(op, vid)
    return bool(v and v["name"] == name)


@pytest.fixture
def idle_server(server_factory):
    return server_factory("--browsing-idle", str(IDLE))


async def test_the_heartbeat_keeps_the_visitor_listed_and_a_hidden_tab_leaves_the_list(idle_server, browser):
    srv = idle_server
    ana = await Operator.create(srv, "ana@example.com")
    page = await new_page(browser, DESKTOP)
    await tab_visibility(page)
    beats = Heartbeats.of(page)
    await page.goto(srv.url + "/shop/shipping.html")
    vid = await visitor_id_of(page)

    async def listed_long():
        v = await on_the_site(ana, vid)
        return v and v["page_seconds"] >= 2 * IDLE and v
    v = await wait_for(listed_long, "the visitor still listed after twice the idle time", timeout=30)
    assert v["current_url"] == srv.url + "/shop/shipping.html" and v["current_title"].startswith("Shipping")
    assert v["time_on_site"] >= v["page_seconds"]
    every = [b.at - a.at for a, b in zip(beats.beats, beats.beats[1:], strict=False)]
    assert every and max(every) < IDLE, every                  # twice per idle time at least

    hidden_at = await hide_tab(page)
    await wait_for(lambda: _gone(ana, vid), "the hidden tab's visitor off the list", timeout=30)
    last = beats.beats[-1].at
    assert last - hidden_at < IDLE + 1, "it beat on for the idle time only"
    quiet_since = time.monotonic()
    await wait_for(lambda: time.monotonic() - quiet_since > IDLE, "a while hidden", timeout=IDLE + 5)
    assert beats.beats[-1].at == last, "no beat while hidden for longer than the idle time"

    await show_tab(page)
    await beats.answered_after(last, "a beat once the tab shows", timeout=20)
    assert await wait_for(lambda: on_the_site(ana, vid), "back on the list once the tab shows", timeout=20)


async def _gone(op: Operator, vid: str) -> bool:
    return await on_the_site(op, vid) is None


async def test_an_order_the_server_did_not_take_goes_from_the_next_page(server_factory, browser):
    srv = server_factory()
    errors: list[str] = []
    page = await new_page(browser, DESKTOP, errors)
    await add_to_basket(page, srv)
    await page.click("text=Go to checkout")
    await page.route("**/api/v1/visitor/events", lambda route: route.abort("internetdisconnected"))
    failed: list[str] = []
    page.on("requestfailed", lambda r: r.url.endswith("/visitor/events") and failed.append(r.frame.url))
    await page.click("text=Place order")
    await page.locator("#order-id", has_text="NW-").wait_for()
    ref = await page.locator("#order-id").text_content()
    await wait_for(lambda: any("/thanks.html" in u for u in failed), "a refused try on the thank-you page",
                   timeout=30)                                  # the emptied cart first, then the order: none go
    await page.unroute("**/api/v1/visitor/events")
    async with page.expect_response(lambda r: r.url.endswith("/visitor/events")
                                    and '"order"' in (r.request.post_data or ""), timeout=30_000) as answered:
        await page.click("text=Back to the shop")             # the visitor moves on at once
    answer = await answered.value
    assert answer.status == 201 and answer.request.url.startswith(srv.url)
    order = (await answer.json())["order"]
    assert (order["order_ref"], order["value"], order["conversation_id"]) == (ref, 129.9, None)
    assert errors == []
