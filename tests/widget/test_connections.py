"""A visitor who never opens the chat costs no websocket: page views go over REST. Opening the
panel connects once; closing and opening it again, or a chat starting, opens no second one."""
from __future__ import annotations

from tests.support.waiting import wait_for
from tests.support.widget_page import Desk, visitor_id_of, write


async def test_no_websocket_until_the_chat_is_opened_and_then_one(shared_server, browser):
    desk = Desk(shared_server.url, shared_server.operator("ws@example.com", role="supervisor"))
    page = await (await browser.new_context()).new_page()
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    await page.goto(shared_server.url + "/shop/")
    vid = await visitor_id_of(page)
    await page.click("header nav a[href='product.html']")

    async def both_views():
        v = await desk.get(f"/visitors/{vid}")
        return v and len(v["pageviews"]) >= 2
    await wait_for(both_views, "two page views over REST", timeout=10)
    assert sockets == [], "no websocket for a visitor who never opened the chat"

    await page.click("#chatdesk .cd-bubble")
    await wait_for(lambda: sockets, "the stream opening with the panel", timeout=10)
    await page.click("#chatdesk .cd-close")
    await page.click("#chatdesk .cd-bubble")
    await write(page, "One socket, please")
    await desk.queued_chat_of(vid)
    assert len(sockets) == 1 and sockets[0].endswith("/api/v1/visitor/stream")
