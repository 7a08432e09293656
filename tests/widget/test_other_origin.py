"""The widget embedded by a shop on another origin: the shop's pages on one loopback port, the chat
server on another. With --allowed-origin the visitor API answers CORS (preflight included) for that
origin only and the stream accepts it; without it the browser blocks the widget's calls."""
from __future__ import annotations

import httpx
import pytest

from tests.support.live_server import serving
from tests.support.shop_origin import shop_csp, shop_page
from tests.support.widget_page import Desk, chat_accepted, operator_texts, operators_shown


@pytest.fixture
def chat(tmp_path, shop):
    yield from serving(tmp_path, extra_args=["--allowed-origin", shop.url])


async def test_a_shop_on_another_origin_embeds_the_widget_and_chats(shop, chat, browser):
    shop.put("/", shop_page(chat.url), headers={"Content-Security-Policy": shop_csp(chat.url)})
    desk = Desk(chat.url, chat.operator("olga@example.com", name="Olga", role="supervisor"))
    page = await (await browser.new_context()).new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    vid, conv_id = await chat_accepted(page, desk, shop.url + "/", "Hello from the other shop")
    visitor = await desk.get(f"/visitors/{vid}")     # the cookie is the shop's own (first party)
    assert visitor["pageviews"][0]["url"] == shop.url + "/"
    await desk.reply(conv_id, "Hello, other shop!")
    await operators_shown(page, 1)
    assert await operator_texts(page) == ["Hello, other shop!"]
    assert errors == []


async def test_without_the_allowed_origin_the_browser_blocks_the_widget(tmp_path, shop, browser):
    for srv in serving(tmp_path):            # a chat server that does not know the shop
        shop.put("/", shop_page(srv.url))
        page = await browser.new_page()
        await page.goto(shop.url + "/")
        await page.click("#chatdesk .cd-bubble")
        await page.locator("#chatdesk .cd-status", has_text="not available").wait_for(timeout=10_000)


def test_cors_answers_only_the_allowed_origin(shop, chat):
    api = chat.url + "/api/v1/visitor/sessions"
    ask = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}
    ok = httpx.options(api, headers={"Origin": shop.url, **ask})
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == shop.url
    assert "Authorization" in ok.headers["access-control-allow-headers"]
    assert "POST" in ok.headers["access-control-allow-methods"]
    refused = httpx.options(api, headers={"Origin": "http://evil.example", **ask})
    assert refused.status_code == 403 and "--allowed-origin" in refused.json()["message"]
    answer = httpx.post(api, json={}, headers={"Origin": shop.url})
    assert answer.status_code == 201 and answer.headers["access-control-allow-origin"] == shop.url
    other = httpx.post(api, json={}, headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    # The staff API never answers CORS.
    staff = httpx.options(chat.url + "/api/v1/auth/login", headers={"Origin": shop.url, **ask})
    assert "access-control-allow-origin" not in staff.headers
