"""A new tab or page restores the open chat from REST and resumes the stream after the session's
newest event: it never replays the visitor's history from 0, so an old chat's status ("You are
chatting with Olga.") never shows without an open chat."""
from __future__ import annotations

import httpx

from tests.support.waiting import wait_for
from tests.support.widget_page import (
    Desk,
    chat_accepted,
    operator_texts,
    operators_shown,
    resumes_sent,
    visitor_id_of,
    write,
)


async def chat_answered(shared_server, browser, operator: str, name: str):
    """A visitor in a first tab whose chat `name` accepted and answered."""
    desk = Desk(shared_server.url, shared_server.operator(operator, name=name, role="supervisor"))
    first = await (await browser.new_context()).new_page()
    vid, conv_id = await chat_accepted(first, desk, shared_server.url + "/shop/", "Where is my parcel?")
    await desk.reply(conv_id, "It left the warehouse today.")
    await operators_shown(first, 1)
    await first.locator("#chatdesk .cd-status", has_text=f"You are chatting with {name}.").wait_for()
    return desk, first, conv_id


async def new_tab(browser, first, url: str):
    """Another tab of the same visitor: the visitor cookie, but none of the first tab's storage."""
    context = await browser.new_context()
    await context.add_cookies(await first.context.cookies())
    page = await context.new_page()
    resumes = resumes_sent(page)
    await page.goto(url)
    await page.click("#chatdesk .cd-bubble")
    await wait_for(lambda: resumes, "the new tab's stream resuming", timeout=10)
    return page, resumes


async def test_a_new_tab_after_a_closed_chat_shows_no_stale_status(shared_server, browser):
    desk, first, conv_id = await chat_answered(shared_server, browser, "olga@example.com", "Olga")
    await desk.post(f"/conversations/{conv_id}/close")
    await first.locator("#chatdesk .cd-system", has_text="This chat has ended").wait_for()

    page, resumes = await new_tab(browser, first, shared_server.url + "/shop/product.html")
    assert resumes[0] > 0, "the stream must resume after the session's last event, never from 0"
    await page.locator("#chatdesk .cd-greeting").wait_for()
    assert await page.locator("#chatdesk .cd-status").text_content() == ""
    assert await page.locator("#chatdesk .cd-msg").count() == 0
    assert await page.locator("#chatdesk .cd-end").is_hidden()
    # Writing again opens a new chat, answered by the new operator's name only.
    vid = await visitor_id_of(page)
    await write(page, "One more question")
    new_id = await desk.queued_chat_of(vid)
    assert new_id != conv_id
    assert await desk.visitor_lines(new_id) == ["One more question"]


async def test_a_new_tab_restores_the_open_chat_from_rest_and_follows_it_live(shared_server, browser):
    desk, first, conv_id = await chat_answered(shared_server, browser, "ines@example.com", "Ines")
    page, resumes = await new_tab(browser, first, shared_server.url + "/shop/shipping.html")
    await operators_shown(page, 1)
    assert resumes[0] > 0
    assert await operator_texts(page) == ["It left the warehouse today."]
    assert await page.locator("#chatdesk .cd-visitor").count() == 1
    await page.locator("#chatdesk .cd-status", has_text="You are chatting with Ines.").wait_for()
    assert await page.locator("#chatdesk .cd-end").is_visible()
    await desk.reply(conv_id, "It arrives tomorrow.")
    await operators_shown(page, 2)
    await operators_shown(first, 2)
    assert await operator_texts(page) == ["It left the warehouse today.", "It arrives tomorrow."]


def test_the_session_answer_names_the_newest_event(shared_server):
    first = httpx.post(shared_server.url + "/api/v1/visitor/sessions", json={"url": "http://shop/a"}).json()
    again = httpx.post(shared_server.url + "/api/v1/visitor/sessions",
                       json={"visitor_id": first["visitor_id"], "url": "http://shop/b"}).json()
    # Each answer's page view is itself an event, so the second answer names a newer one.
    assert again["last_event_id"] > first["last_event_id"] > 0
    assert again["conversation_id"] is None
