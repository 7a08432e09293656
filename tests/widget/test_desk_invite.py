"""The whole loop with real parts: a logged-in customer's page calls identify() through the real
widget in Chromium, the real desk (the `chatdesk` command in tmux) lists them by that name in its
visitors list (alt+v as the terminal sends it, ESC v), `i` and Enter invite them, the widget
shows the invite by the bubble, and the visitor's reply is a chat already on the inviting
operator's desk."""
from __future__ import annotations

import asyncio

import pytest

from tests.support.api import Api
from tests.support.desk_process import desk_command, desk_env
from tests.support.live_server import serving
from tests.support.shop_visits import INVITE, invite_shown
from tests.support.terminal import Terminal
from tests.support.widget_page import visitor_id_of
from tests.support.widget_pages import DESKTOP, new_page, text_of, write_first

SNIPPET = "window.chatdesk = window.chatdesk || function () { (window.chatdesk.q = window.chatdesk.q || []).push(arguments); };"


def account_page(chat_url: str) -> bytes:
    """A page of the shop's own (no CSP: the calls inline) for a customer who is logged in."""
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Your orders</title>'
            f'<script>{SNIPPET} chatdesk("identify", {{name: "Olga Nowak", email: "olga@example.com"}});</script>'
            f'<script src="{chat_url}/widget/widget.js" defer></script></head><body><h1>Your orders</h1></body></html>'
            ).encode()


@pytest.fixture
def chat(tmp_path, shop):
    """The chat server, answering the shop's origin (a page fulfilled by Playwright itself would
    count as a public address to Chromium, which then blocks its websocket to loopback)."""
    yield from serving(tmp_path, extra_args=["--allowed-origin", shop.url])


async def test_identify_names_the_visitor_on_the_desk_and_i_invites_them_into_a_chat_of_mine(chat, shop, browser,
                                                                                             tmp_path):
    token = chat.operator("dana@e2e.test", "Dana Park")
    dana = Api(chat, token)
    dana_id = (await dana.ok("GET", "/me"))["id"]
    await dana.ok("PUT", "/me/status", {"status": "online"})
    page = await new_page(browser, DESKTOP)
    shop.put("/orders.html", account_page(chat.url))
    await page.goto(shop.url + "/orders.html")
    vid = await visitor_id_of(page)

    term = Terminal(desk_command(chat.url), env=desk_env(tmp_path, token))
    try:
        await asyncio.to_thread(term.wait, r"live", 60)
        term.send_bytes(b"\x1bv")                       # alt+v: ESC v
        await asyncio.to_thread(term.wait, r"Visitors on the site")
        screen = await asyncio.to_thread(term.wait, r"Olga Nowak", 30)   # named by the page's identify()
        assert "Your orders" in screen
        term.keys("i")
        await asyncio.to_thread(term.wait, r"Invite Olga Nowak")
        term.keys("Enter")
        await asyncio.to_thread(term.wait, r"Invited Olga Nowak")

        assert await invite_shown(page) == "Hi! Can I help you find anything?"
        assert await text_of(page, f"{INVITE} .cd-invite-from") == "Dana Park"
        await page.click(f"{INVITE} .cd-invite-reply")
        async with page.expect_response(lambda r: r.url.endswith("/reply")) as replied:
            await write_first(page, "Yes: boots for snow, please")
        started = (await (await replied.value).json())["conversation"]
        assert started["operator_id"] == dana_id and started["state"] == "active"
        term.keys("Escape")                             # back to the desk: the chat is there, Dana's
        await asyncio.to_thread(term.wait, r"Yes: boots for snow, please", 30)
        await page.locator("#chatdesk .cd-status", has_text="You are chatting with Dana Park.").wait_for(timeout=20_000)
    finally:
        term.close()
    assert (await dana.ok("GET", f"/conversations/{started['id']}"))["conversation"]["visitor_id"] == vid
    await dana.close()
