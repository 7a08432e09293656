"""Availability kept current without a reload (widget part availability.js): the offline form shown
because nobody is online turns back into the composer when an operator comes online, and everyone
going offline brings the form for a new chat, never over an open one (real server, Chromium)."""
from __future__ import annotations

import pytest

from tests.support.api import Operator
from tests.support.flows import flows_file
from tests.support.widget_pages import VIEWPORTS, new_page, open_shop, write_first

RECHECK_EVERY_SECOND = "[hours]\nrecheck_s = 1\n"      # always open; the widget asks every second


@pytest.fixture
def quick_server(server_factory, tmp_path):
    return server_factory("--shop-config", str(flows_file(tmp_path, RECHECK_EVERY_SECOND, "shop.toml")))


async def test_an_operator_coming_online_brings_the_composer_back(quick_server, browser):
    ana = await Operator.create(quick_server, "ana@example.com")
    await ana.status("offline")
    page = await new_page(browser, VIEWPORTS["desktop"])
    await open_shop(page, quick_server)
    closed = page.locator("#chatdesk .cd-closed")
    await closed.filter(has_text="Nobody is online right now.").wait_for(timeout=10_000)
    assert await page.locator(".cd-form").is_hidden()
    await page.fill(".cd-req-message textarea", "Do the boots come in 47?")   # starts a message

    await ana.status("online")
    await page.locator("#chatdesk .cd-form").wait_for(timeout=15_000)      # no reload
    assert await closed.is_hidden() and await page.locator(".cd-request").is_hidden()
    assert await page.input_value("#chatdesk .cd-input") == "Do the boots come in 47?"   # carried over
    await page.press("#chatdesk .cd-input", "Enter")
    assert await ana.queue_ids(), "the chat reached the queue"


@pytest.mark.parametrize("viewport", VIEWPORTS)
async def test_everyone_going_offline_brings_the_form_for_a_new_chat_only(quick_server, browser, viewport):
    ana = await Operator.create(quick_server, "ana@example.com")
    chatting = await new_page(browser, VIEWPORTS[viewport])
    await open_shop(chatting, quick_server)
    await write_first(chatting, "Is the tent waterproof?")
    cid = await _waiting_chat(ana)
    assert (await ana.accept(cid)).status_code == 200
    browsing = await new_page(browser, VIEWPORTS[viewport])              # another visitor, no chat yet
    await open_shop(browsing, quick_server)
    await browsing.locator("#chatdesk .cd-form").wait_for(timeout=10_000)

    await ana.status("away")                                          # nobody online now
    await browsing.locator("#chatdesk .cd-closed").filter(has_text="Nobody is online right now.") \
        .wait_for(timeout=15_000)
    assert await browsing.locator(".cd-form").is_hidden()
    assert await browsing.locator(".cd-request-title").text_content() == "Leave a message"
    # The open chat keeps its composer: the visitor writes on, the operator reads it.
    assert await chatting.locator(".cd-closed").is_hidden() and await chatting.locator(".cd-form").is_visible()
    await write_first(chatting, "And does it pack small?")
    await _visitor_wrote(ana, cid, "And does it pack small?")


async def _waiting_chat(op: Operator) -> int:
    from tests.support.waiting import wait_for
    return (await wait_for(op.queue_ids, "the chat in the queue", timeout=10))[0]


async def _visitor_wrote(op: Operator, cid: int, body: str) -> None:
    from tests.support.waiting import wait_for

    async def has_it():
        detail = (await op.detail(cid)).json()
        return body in [m["body"] for m in detail["messages"] if m["author_type"] == "visitor"]
    await wait_for(has_it, "the visitor's second line at the desk", timeout=10)
