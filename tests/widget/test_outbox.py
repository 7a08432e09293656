"""Messages written while the chat server is unreachable wait in the widget's outbox, shown as not
sent yet with a retry, and are delivered exactly once when the server is back: after any outage,
also when the visitor went to another page of the shop meanwhile. The real chat server is stopped
and started again on its port while the shop's own web server (another loopback port, serving its
copy of the widget's script) stays up."""
from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.support.live_server import serving
from tests.support.shop_origin import shop_page
from tests.support.waiting import wait_for
from tests.support.widget_page import Desk, chat_accepted, operators_shown, visitor_id_of, write


@pytest.fixture
def own_server(tmp_path, shop):
    """The chat server, and the shop's two pages on the shop's own port with their copy of the
    widget's script, which names the chat server (data-server)."""
    for srv in serving(tmp_path, extra_args=["--allowed-origin", shop.url]):
        loader = httpx.get(srv.url + "/widget/widget.js").text
        script = httpx.get(srv.url + "/widget/" + re.search(r'"(widget\.[0-9a-f]+\.js)"', loader).group(1))
        shop.put("/widget.js", script.content, "application/javascript")
        for path, title in (("/", "Home"), ("/other.html", "Other")):
            shop.put(path, shop_page(srv.url, title, script_src="/widget.js", data_server=srv.url))
        yield srv


@pytest.mark.parametrize("outage", [2, pytest.param(60, marks=pytest.mark.slow)])
async def test_a_message_written_during_an_outage_is_delivered_once_after_it(shop, own_server, browser, outage):
    import asyncio
    srv = own_server
    desk = Desk(srv.url, srv.operator("olga@example.com", name="Olga", role="supervisor"))
    page = await (await browser.new_context()).new_page()
    _, conv_id = await chat_accepted(page, desk, shop.url + "/", "Before the outage")
    await desk.reply(conv_id, "Hello!")
    await operators_shown(page, 1)

    srv.stop()
    await write(page, "Written while you were away")
    waiting = page.locator("#chatdesk .cd-visitor.cd-waiting", has_text="Written while you were away")
    await waiting.locator(".cd-note", has_text="Not sent yet").wait_for(timeout=15_000)
    assert await waiting.locator(".cd-retry").is_visible()
    # Another page of the shop while the chat server is still down: the line is still on its way.
    await page.click("header nav a[href='/other.html']")
    await page.locator("#chatdesk .cd-visitor.cd-pending", has_text="Written while you were away").wait_for()
    await page.locator("#chatdesk .cd-note", has_text="Not sent yet").wait_for(timeout=15_000)
    await asyncio.sleep(outage)          # the outage itself: the widget keeps trying all along
    srv.start()

    await page.locator("#chatdesk .cd-pending").wait_for(state="detached", timeout=20_000)
    desk = Desk(srv.url, srv.login("olga@example.com"))

    async def both_lines():
        lines = await desk.visitor_lines(conv_id)
        return len(lines) >= 2 and lines
    assert await wait_for(both_lines, "the offline line on the server", timeout=10) == [
        "Before the outage", "Written while you were away"]
    await desk.reply(conv_id, "Got it.")
    await operators_shown(page, 2, timeout=15_000)
    assert await desk.visitor_lines(conv_id) == ["Before the outage", "Written while you were away"]
    assert await page.locator("#chatdesk .cd-visitor").count() == 2


async def test_a_refused_message_says_why_in_the_panel_and_can_be_sent_again(shared_server, browser):
    shared_server.operator(f"outbox-desk-{uuid.uuid4().hex[:8]}@example.com")   # someone online: the composer shows
    page = await (await browser.new_context()).new_page()
    refusals = []

    async def refuse_once(route):
        if not refusals:
            refusals.append(route.request.url)
            return await route.fulfill(status=422, content_type="application/json",
                                       body='{"error": "bad_request", "message": "The message is not valid."}')
        await route.continue_()
    await page.route("**/api/v1/visitor/conversations", refuse_once)
    await page.goto(shared_server.url + "/shop/")
    await page.click("#chatdesk .cd-bubble")
    await write(page, "Hello there")
    failed = page.locator("#chatdesk .cd-visitor.cd-failed")
    await failed.locator(".cd-note", has_text="The message is not valid.").wait_for(timeout=10_000)
    await failed.locator(".cd-retry").click()
    await page.locator("#chatdesk .cd-pending").wait_for(state="detached", timeout=10_000)
    assert await page.locator("#chatdesk .cd-visitor").count() == 1


async def test_a_message_written_while_the_browser_is_offline_goes_once_it_is_online(shared_server, browser):
    desk = Desk(shared_server.url, shared_server.operator("offline@example.com", role="supervisor"))
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(shared_server.url + "/shop/")
    vid = await visitor_id_of(page)
    await page.click("#chatdesk .cd-bubble")
    await write(page, "First, online")
    conv_id = await desk.queued_chat_of(vid)
    await context.set_offline(True)
    await write(page, "Second, offline")
    await page.locator("#chatdesk .cd-waiting .cd-note", has_text="Not sent yet").wait_for(timeout=10_000)
    await context.set_offline(False)
    await page.locator("#chatdesk .cd-pending").wait_for(state="detached", timeout=15_000)

    async def both():
        lines = await desk.visitor_lines(conv_id)
        return len(lines) >= 2 and lines
    assert await wait_for(both, "the offline line", timeout=10) == ["First, online", "Second, offline"]
