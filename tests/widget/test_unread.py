"""The unread badge: it counts the operator's messages that came while the panel was closed, the
same after a page change (never again for messages already counted or read), hides when the
panel opens (its CSS does not override [hidden]) and is part of the bubble's accessible name."""
from __future__ import annotations

from tests.support.widget_page import Desk, visitor_id_of, write


async def lines_loaded(page, count: int) -> None:
    await page.locator("#chatdesk .cd-operator").nth(count - 1).wait_for(state="attached", timeout=10_000)


async def test_the_badge_counts_right_across_pages_and_hides_when_read(shared_server, browser):
    desk = Desk(shared_server.url, shared_server.operator("badge@example.com", name="Bo", role="supervisor"))
    page = await (await browser.new_context()).new_page()
    await page.goto(shared_server.url + "/shop/")
    vid = await visitor_id_of(page)
    bubble, badge = page.locator("#chatdesk .cd-bubble"), page.locator("#chatdesk .cd-badge")
    await bubble.click()
    assert await bubble.get_attribute("aria-expanded") == "true"
    await write(page, "Any boots in size 46?")
    conv_id = await desk.queued_chat_of(vid)
    await desk.post(f"/conversations/{conv_id}/accept")
    await page.click("#chatdesk .cd-close")
    assert await bubble.get_attribute("aria-expanded") == "false"
    assert await badge.is_hidden()

    await desk.reply(conv_id, "Let me look.")
    await desk.reply(conv_id, "Yes, two pairs.")
    await lines_loaded(page, 2)
    await page.locator("#chatdesk .cd-badge:visible", has_text="2").wait_for()
    assert await bubble.get_attribute("aria-label") == "Open chat, 2 unread messages"

    await page.click("header nav a[href='product.html']")          # the same two, counted once
    await lines_loaded(page, 2)
    await page.locator("#chatdesk .cd-badge:visible", has_text="2").wait_for()
    assert await badge.text_content() == "2"

    await bubble.click()                                           # read: the badge goes
    assert await badge.is_hidden()
    assert await bubble.get_attribute("aria-label") == "Open chat"
    await page.click("#chatdesk .cd-close")
    await page.click("header nav a[href='shipping.html']")
    await lines_loaded(page, 2)
    assert await badge.is_hidden()
    display = await page.eval_on_selector("#chatdesk .cd-badge", "b => getComputedStyle(b).display")
    assert display == "none"

    await desk.reply(conv_id, "Shall I keep one for you?")
    await lines_loaded(page, 3)
    await page.locator("#chatdesk .cd-badge:visible", has_text="1").wait_for()
    assert await bubble.get_attribute("aria-label") == "Open chat, 1 unread message"
