"""The visitor widget in a real browser (Debian's Chromium, headless, driven by Playwright) on the
demo shop served by the real server; the operator side is the real REST API and stream."""
from __future__ import annotations

import asyncio
import json

from chatdesk.server.security.static_files import SHOP_CSP
from tests.support.hostile import text_payloads
from tests.support.waiting import wait_for
from tests.support.widget_page import Desk, chat_accepted, operator_texts, operators_shown, visitor_id_of

HOSTILE = ['<img src=x onerror="window.__pwned=1">', "<script>window.__pwned=2</script><b>bold?</b>",
           *(text for name, text in text_payloads() if name.startswith("html-"))]



async def poll(fetch, what: str, timeout: float = 10.0):
    return await wait_for(fetch, what, timeout=timeout)


async def test_visitor_chats_from_the_shop_and_operator_text_stays_text(shared_server, browser):
    desk = Desk(shared_server.url, shared_server.operator("lead@example.com", role="supervisor"))
    page = await (await browser.new_context()).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: errors.append(f"dialog opened: {d.message}"))
    # CSP violations and failed loads show up as console errors: the widget must cause none.
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))

    response = await page.goto(shared_server.url + "/shop/")
    assert response.headers.get("content-security-policy") == SHOP_CSP   # the server mounts ours
    vid = await visitor_id_of(page)

    async def home_view():
        v = await desk.get(f"/visitors/{vid}")
        return v and [p for p in v["pageviews"] if p["title"] == "Northwind Outfitters — Home"]
    view = (await poll(home_view, "the home page view on the operator side"))[0]
    assert view["url"] == shared_server.url + "/shop/"

    await page.click("#chatdesk .cd-bubble")
    await page.fill("#chatdesk .cd-input", "Do you ship to Norway?")
    await page.press("#chatdesk .cd-input", "Enter")

    async def queued():
        q = await desk.get("/queue")
        return q and [e for e in q["queue"] if e["visitor"]["id"] == vid]
    conv_id = (await poll(queued, "the visitor's chat in the queue"))[0]["conversation"]["id"]
    detail = await desk.get(f"/conversations/{conv_id}")
    visitor_lines = [m["body"] for m in detail["messages"] if m["author_type"] == "visitor"]
    assert visitor_lines == ["Do you ship to Norway?"]

    await desk.post(f"/conversations/{conv_id}/accept")
    await desk.reply(conv_id, "Yes! Norway takes 5 to 7 days.")
    for body in HOSTILE:
        await desk.reply(conv_id, body)
    await operators_shown(page, 1 + len(HOSTILE))
    assert await operator_texts(page) == ["Yes! Norway takes 5 to 7 days.", *HOSTILE]
    created = await page.evaluate(
        "[document.querySelectorAll('#chatdesk :is(img, script, b, svg, iframe)').length, "
        " typeof window.__pwned]")
    assert created == [0, "undefined"], "operator text must never become elements"

    # Another page of the shop: the page view is reported and the transcript comes back once.
    await page.click("header nav a[href='product.html']")
    await operators_shown(page, 1 + len(HOSTILE))

    async def product_view():
        v = await desk.get(f"/visitors/{vid}")
        return v and [p for p in v["pageviews"] if p["url"].endswith("/shop/product.html")]
    assert (await poll(product_view, "the product page view"))[0]["referrer"] == shared_server.url + "/shop/"
    assert await operator_texts(page) == ["Yes! Norway takes 5 to 7 days.", *HOSTILE]
    assert await page.eval_on_selector_all("#chatdesk .cd-visitor", "els => els.length") == 1
    assert errors == []

    # Next day, a new browser session with the same cookie: the server knows the visitor again.
    later = await browser.new_context()
    await later.add_cookies(await page.context.cookies())
    again = await later.new_page()
    await again.goto(shared_server.url + "/shop/checkout.html")

    async def checkout_view():
        v = await desk.get(f"/visitors/{vid}")
        return v and [p for p in v["pageviews"] if p["url"].endswith("/shop/checkout.html")]
    await poll(checkout_view, "the returning visitor's page view under the same id")
    assert await visitor_id_of(again) == vid


async def test_widget_sends_the_draft_as_a_sneak_peek_and_resumes_after_a_drop(shared_server, browser):
    from websockets.asyncio.client import connect
    token = shared_server.operator("watch@example.com", role="supervisor")
    desk = Desk(shared_server.url, token)
    page = await (await browser.new_context()).new_page()
    _, conv_id = await chat_accepted(page, desk, shared_server.url + "/shop/shipping.html",
                                     "Is the return label free?")

    async with connect(shared_server.ws_url + "/api/v1/stream", proxy=None) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        await ws.send(json.dumps({"type": "resume", "after": 0}))
        await page.type("#chatdesk .cd-input", "and for Aust", delay=20)

        async def peek():
            frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
            return frame.get("type") == "typing" and frame.get("actor") == "visitor" \
                and frame.get("text", "").startswith("and for") and frame
        frame = await poll(peek, "the visitor's draft on the operator stream")
        assert frame["conversation_id"] == conv_id
        # And the other way: the operator types, the visitor sees it.
        await ws.send(json.dumps({"type": "typing", "conversation_id": conv_id, "is_typing": True}))
        await page.locator("#chatdesk .cd-typing", has_text="Typing").wait_for()
    assert await page.input_value("#chatdesk .cd-input") == "and for Aust"

    # Cut every connection (server restart); the widget reconnects and resumes without duplicates.
    await desk.reply(conv_id, "Before the restart.")
    await operators_shown(page, 1)
    shared_server.restart()
    desk = Desk(shared_server.url, token)   # fresh HTTP connections; the token survives the restart
    await desk.reply(conv_id, "After the restart.")
    await operators_shown(page, 2, timeout=15_000)
    assert await operator_texts(page) == ["Before the restart.", "After the restart."]
    # The draft survives a reload (sessionStorage), and the transcript is not doubled.
    await page.reload()
    await operators_shown(page, 2)
    assert await page.input_value("#chatdesk .cd-input") == "and for Aust"
    assert await operator_texts(page) == ["Before the restart.", "After the restart."]

    # The visitor ends the chat from the widget (it asks first); the operator sees it closed.
    await page.click("#chatdesk .cd-end")
    await page.click("#chatdesk .cd-confirm-yes")

    async def closed():
        d = await desk.get(f"/conversations/{conv_id}")
        return d and d["conversation"]["state"] == "closed"
    await poll(closed, "the conversation closed by the visitor")
    assert await page.locator("#chatdesk .cd-system").count() == 1
