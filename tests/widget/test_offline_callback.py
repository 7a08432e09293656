"""Outside opening hours the widget says when chat opens again and offers the offline form; during
a chat a visitor asks for a callback. Both become work items the operator's list shows (real
server, real REST, Chromium at 1280x800 and 390x844)."""
from __future__ import annotations

import pytest

from tests.support.api import Operator
from tests.support.flows import closed_today, flows_file
from tests.support.waiting import wait_for
from tests.support.widget_pages import VIEWPORTS, new_page, open_shop, text_of, write_first


async def work_items(op: Operator) -> list[dict]:
    return (await op.ok("GET", "/requests?state=pending"))["items"]


@pytest.mark.parametrize("viewport", VIEWPORTS)
async def test_outside_hours_the_offline_form_becomes_a_work_item(server_factory, tmp_path, browser, viewport):
    srv = server_factory("--flows-config", str(flows_file(tmp_path, closed_today())))
    ana = await Operator.create(srv, "ana@example.com")          # online: the hours alone close chat
    page = await new_page(browser, VIEWPORTS[viewport])
    await open_shop(page, srv)
    note = page.locator("#chatdesk .cd-closed")
    await note.wait_for(timeout=10_000)
    assert await note.text_content() == ("Chat is closed now. We are back tomorrow at 08:00. "
                                         "Leave us a message and we will get back to you.")
    assert await page.locator(".cd-form").is_hidden()                 # no chat to be missed
    assert await text_of(page, ".cd-request-title") == "Leave a message"
    assert await page.locator(".cd-request-cancel").is_hidden()

    await page.click(".cd-request-send")                                 # nothing filled in
    await page.locator(".cd-request-error:text-is('Please give your e-mail so we can answer.')").wait_for()
    await page.fill(".cd-req-name input", "Ines")
    await page.fill(".cd-req-email input", "ines@example.org")
    await page.click(".cd-request-send")
    await page.locator(".cd-request-error:text-is('Please write a message.')").wait_for()
    await page.fill(".cd-req-message textarea", "Do you restock the green boots?")
    await page.click(".cd-request-send")
    await page.locator(".cd-system:text-is('Thank you! We will get back to you.')").wait_for(timeout=10_000)

    items = await wait_for(lambda: work_items(ana), "the offline message in the work list", timeout=10)
    assert [(i["kind"], i["channel"], i["name"], i["email"], i["message"]) for i in items] == \
        [("offline", "email", "Ines", "ines@example.org", "Do you restock the green boots?")]
    assert await ana.queue_ids() == []


async def test_the_closed_notice_is_in_the_visitors_language(server_factory, tmp_path, browser):
    srv = server_factory("--flows-config", str(flows_file(tmp_path, closed_today())))
    await Operator.create(srv, "ana@example.com")
    fi = await new_page(browser, VIEWPORTS["phone"])
    await open_shop(fi, srv, lang="fi")
    await fi.locator(".cd-closed").filter(has_text="huomenna").wait_for(timeout=10_000)
    assert await text_of(fi, ".cd-closed") == ("Chat on nyt suljettu. Palaamme huomenna klo 08:00. "
                                               "Jätä meille viesti, niin otamme sinuun yhteyttä.")
    pl = await new_page(browser, VIEWPORTS["desktop"])
    await open_shop(pl, srv, lang="pl")
    await pl.locator(".cd-closed").filter(has_text="jutro").wait_for(timeout=10_000)
    assert (await text_of(pl, ".cd-closed")).startswith("Czat jest teraz zamknięty. Wracamy jutro o 08:00.")


async def test_nobody_online_offers_the_form_too(server, browser):
    page = await new_page(browser, VIEWPORTS["desktop"])
    await open_shop(page, server)
    await page.locator(".cd-closed").wait_for(timeout=10_000)
    assert (await text_of(page, ".cd-closed")).startswith("Nobody is online right now.")
    assert await page.locator(".cd-form").is_hidden()


@pytest.mark.parametrize("viewport", VIEWPORTS)
async def test_a_callback_asked_during_a_chat_reaches_the_work_list(server_factory, browser, viewport):
    srv = server_factory()
    ana = await Operator.create(srv, "ana@example.com")
    page = await new_page(browser, VIEWPORTS[viewport])
    await open_shop(page, srv)
    await write_first(page, "It is complicated, can you call me?")
    cid = (await wait_for(ana.queue_ids, "the chat in the queue", timeout=10))[0]
    await page.click(".cd-callback-open")
    assert await text_of(page, ".cd-request-title") == "Ask us to get back to you"
    assert await page.locator(".cd-form").is_hidden()
    await page.check(".cd-channel input[value=phone]")
    assert await page.locator(".cd-req-email").is_hidden()
    await page.click(".cd-request-send")
    await page.locator(".cd-request-error:text-is('Please give your phone number so we can call you.')").wait_for()
    await page.fill(".cd-req-phone input", "+358 40 123 4567")
    await page.fill(".cd-req-time input", "after 15:00")
    await page.click(".cd-request-send")
    await page.locator(".cd-system:text-is('Thank you! We will get back to you.')").wait_for(timeout=10_000)
    assert await page.locator(".cd-form").is_visible()                    # the chat goes on

    items = await wait_for(lambda: work_items(ana), "the callback in the work list", timeout=10)
    assert [(i["kind"], i["channel"], i["phone"], i["email"], i["preferred_time"], i["conversation_id"])
            for i in items] == [("callback", "phone", "+358 40 123 4567", "", "after 15:00", cid)]
