"""End of chat in Chromium: the rating (five stars, or thumbs when the shop says so) with a comment,
stored with the chat as the operator side reads it, and the "e-mail me this transcript" control."""
from __future__ import annotations

import json

import pytest

from tests.support.api import Operator
from tests.support.flows import flows_file
from tests.support.waiting import wait_for
from tests.support.widget_pages import VIEWPORTS, new_page, open_shop, text_of, write_first

ENDED = "#chatdesk .cd-system:text-is('This chat has ended. Write again any time to start a new one.')"


async def answered_chat(srv, page, op: Operator) -> int:
    await open_shop(page, srv)
    await write_first(page, "Which size fits me?")
    cid = (await wait_for(op.queue_ids, "the chat in the queue", timeout=10))[0]
    assert (await op.accept(cid)).status_code == 200
    await op.say(cid, "Take a 42.")
    await page.locator("#chatdesk .cd-operator").first.wait_for(timeout=10_000)
    return cid


@pytest.mark.parametrize("viewport", VIEWPORTS)
async def test_five_stars_and_a_comment_are_stored_with_the_chat(server_factory, browser, viewport):
    srv = server_factory()
    ana = await Operator.create(srv, "ana@example.com", role="supervisor")
    page = await new_page(browser, VIEWPORTS[viewport])
    cid = await answered_chat(srv, page, ana)
    await ana.ok("POST", f"/conversations/{cid}/close", {})
    await page.locator(ENDED).wait_for(timeout=10_000)
    await page.locator(".cd-rating").wait_for(timeout=10_000)
    assert await text_of(page, ".cd-rating-ask") == "How was this chat?"
    labels = await page.eval_on_selector_all(".cd-rate", "bs => bs.map(b => b.getAttribute('aria-label'))")
    assert labels == ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]
    assert await page.locator(".cd-rating-send").is_disabled()
    await page.click(".cd-rate[data-rating='4']")
    pressed = await page.eval_on_selector_all(".cd-rate", "bs => bs.map(b => b.getAttribute('aria-pressed'))")
    assert pressed == ["false", "false", "false", "true", "false"]
    await page.fill(".cd-rating-comment", "Quick and kind")
    await page.click(".cd-rating-send")
    await page.locator(".cd-rating-said:text-is('Thank you for your feedback!')").wait_for(timeout=10_000)
    stored = await ana.ok("GET", f"/transcripts/{cid}")
    assert (stored["conversation"]["rating"], stored["rating_comment"]) == (4, "Quick and kind")


async def test_thumbs_after_the_visitor_ends_the_chat(server_factory, tmp_path, browser):
    srv = server_factory("--flows-config", str(flows_file(tmp_path, '[rating]\nscale = "thumbs"\n')))
    ana = await Operator.create(srv, "ana@example.com", role="supervisor")
    page = await new_page(browser, VIEWPORTS["phone"])
    cid = await answered_chat(srv, page, ana)
    await page.click(".cd-end")
    await page.click(".cd-confirm-yes")                   # "End chat" asks first
    await page.locator(".cd-rating").wait_for(timeout=10_000)
    labels = await page.eval_on_selector_all(".cd-rate", "bs => bs.map(b => b.getAttribute('aria-label'))")
    assert labels == ["Good", "Not good"]
    await page.click(".cd-rate[data-rating='5']")           # thumbs up is sent as 5
    await page.click(".cd-rating-send")
    await page.locator(".cd-rating-said:text-is('Thank you for your feedback!')").wait_for(timeout=10_000)
    assert (await ana.ok("GET", f"/transcripts/{cid}"))["conversation"]["rating"] == 5


async def test_a_chat_nobody_answered_asks_no_rating(server_factory, browser):
    srv = server_factory()
    ana = await Operator.create(srv, "ana@example.com")
    page = await new_page(browser, VIEWPORTS["desktop"])
    await open_shop(page, srv)
    await write_first(page, "Hello?")
    await wait_for(ana.queue_ids, "the chat in the queue", timeout=10)
    await page.locator("#chatdesk .cd-msg[data-id]").first.wait_for(timeout=10_000)
    # the widget asks the server whether anyone answered; wait for that answer, then look
    async with page.expect_response(lambda r: r.request.method == "GET" and "/visitor/conversations/" in r.url) as asked:
        await page.click(".cd-end")
        await page.click(".cd-confirm-yes")
    await (await asked.value).finished()
    await page.evaluate("new Promise(done => setTimeout(done, 0))")    # the widget's handler has run
    await page.locator(".cd-system:text-is('You ended the chat. Write again any time to start a new one.')").wait_for()
    assert await page.locator(".cd-rating").is_hidden()


async def test_the_transcript_control_asks_the_server_to_mail_it(server_factory, browser):
    srv = server_factory()
    ana = await Operator.create(srv, "ana@example.com")
    page = await new_page(browser, VIEWPORTS["desktop"])
    cid = await answered_chat(srv, page, ana)
    await ana.ok("POST", f"/conversations/{cid}/close", {})
    await page.locator(".cd-transcript").wait_for(timeout=10_000)
    await page.click(".cd-transcript-send")                            # no address yet
    await page.locator(".cd-transcript-said:text-is('Please give your e-mail so we can answer.')").wait_for()
    await page.fill(".cd-transcript-email", "ines@example.org")
    async with page.expect_request(lambda r: r.url.endswith(f"/visitor/conversations/{cid}/transcript-mail")) as sent:
        await page.click(".cd-transcript-send")
    request = await sent.value
    assert request.method == "POST" and json.loads(request.post_data or "") == {"email": "ines@example.org", "lang": "en"}
    assert (await request.all_headers())["authorization"].startswith("Bearer ")
    await page.locator(".cd-transcript-said").filter(has_text=".").wait_for(timeout=10_000)   # an answer shown
