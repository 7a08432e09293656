""""End chat" asks first, inside the panel: "no" (or Escape) keeps the chat open and gives focus
back to the button; "yes" ends it on the server."""
from __future__ import annotations

from tests.support.waiting import wait_for
from tests.support.widget_page import Desk, visitor_id_of, write


async def test_end_chat_asks_first_and_no_keeps_the_chat(shared_server, browser):
    desk = Desk(shared_server.url, shared_server.operator("ender@example.com", role="supervisor"))
    page = await (await browser.new_context()).new_page()
    await page.goto(shared_server.url + "/shop/")
    vid = await visitor_id_of(page)
    await page.click("#chatdesk .cd-bubble")
    await write(page, "Just browsing")
    conv_id = await desk.queued_chat_of(vid)
    question = page.locator("#chatdesk .cd-confirm")

    await page.click("#chatdesk .cd-end")
    assert await question.is_visible() and await question.text_content() == "End this chat?Yes, end itKeep chatting"
    assert await page.evaluate("document.activeElement.className") == "cd-confirm-no"
    await page.keyboard.press("Enter")                   # "Keep chatting" has the focus
    assert await question.is_hidden()
    assert await page.evaluate("document.activeElement.className") == "cd-end"
    await page.keyboard.press("Enter")
    await page.keyboard.press("Escape")                  # Escape answers the question, not the panel
    assert await question.is_hidden() and await page.locator("#chatdesk .cd-panel").is_visible()
    assert (await desk.get(f"/conversations/{conv_id}"))["conversation"]["state"] == "queued"

    await page.click("#chatdesk .cd-end")
    await page.click("#chatdesk .cd-confirm-yes")

    async def closed():
        return (await desk.get(f"/conversations/{conv_id}"))["conversation"]["state"] == "missed"   # never answered
    await wait_for(closed, "the chat closed by the visitor", timeout=10)
    assert await page.locator("#chatdesk .cd-end").is_hidden()
