"""The honest queue in Chromium: a waiting visitor sees their place and a wait range from the
server's estimate, the shop's busy message while every operator is at their cap, the offer past
the queue length, and all of it moving live as the operator works through the queue."""
from __future__ import annotations

import pytest

from tests.support.api import Operator
from tests.support.flows import flows_file
from tests.support.visitor import Visitor
from tests.support.widget_pages import VIEWPORTS, new_page, open_shop, text_of, write_first

QUEUE = '''
[queue]
max_length = 2
assumed_chat_s = 240
busy_message = {en = "All of us are helping other shoppers.", pl = "Wszyscy pomagamy teraz innym klientom sklepu."}
'''


async def busy_floor(srv, waiting: int) -> tuple[Operator, int, list[int]]:
    """Ana (cap 1) holding one chat, and `waiting` visitors queued over the real visitor API."""
    ana = await Operator.create(srv, "ana@example.com", name="Ana", max_chats=1)
    held = await (await Visitor(srv).arrive()).start_chat("I am being helped")
    assert (await ana.accept(held)).status_code == 200
    queued = [await (await Visitor(srv).arrive()).start_chat(f"waiting {n}") for n in range(waiting)]
    return ana, held, queued


async def next_one(ana: Operator, done: int, take: int) -> None:
    await ana.ok("POST", f"/conversations/{done}/close", {})
    assert (await ana.accept(take)).status_code == 200


@pytest.mark.parametrize("viewport", VIEWPORTS)
async def test_the_waiting_visitor_sees_place_and_wait_move_live(server_factory, tmp_path, browser, viewport):
    srv = server_factory("--flows-config", str(flows_file(tmp_path, QUEUE)))
    ana, held, queued = await busy_floor(srv, 2)
    page = await new_page(browser, VIEWPORTS[viewport])
    await open_shop(page, srv)
    await write_first(page, "Is the blue jacket in stock?")
    place = page.locator("#chatdesk .cd-queue-place")
    # third in line, one slot (Ana's cap), no measured chats: 3 x the assumed 4 minutes
    await place.filter(has_text="2 people ahead of you").wait_for(timeout=10_000)
    assert await place.text_content() == "You are in the queue: 2 people ahead of you. Estimated wait: about 12 min."
    assert await text_of(page, ".cd-queue-busy") == "All of us are helping other shoppers."
    assert await text_of(page, ".cd-queue-offer") == \
        "The wait is long. You can leave a message or ask us to call you back instead."
    assert await text_of(page, ".cd-status") == "Thanks! We will answer as soon as someone is free."

    await next_one(ana, held, queued[0])                 # the queue moves: the line follows, live
    await place.filter(has_text="1 person ahead of you").wait_for(timeout=10_000)
    assert await place.text_content() == "You are in the queue: 1 person ahead of you. Estimated wait: about 8 min."
    assert await page.locator(".cd-queue-offer").count() == 0          # within max_length 2 now
    await next_one(ana, queued[0], queued[1])
    await place.filter(has_text="You are next").wait_for(timeout=10_000)
    assert await place.text_content() == "You are next in the queue. Estimated wait: about 4 min."

    await ana.ok("POST", f"/conversations/{queued[1]}/close", {})
    mine = (await ana.ok("GET", "/queue"))["queue"][0]["conversation"]["id"]
    assert (await ana.accept(mine)).status_code == 200
    await page.locator(".cd-status:text-is('You are chatting with Ana.')").wait_for(timeout=10_000)
    assert await page.locator(".cd-queue").is_hidden()


async def test_the_queue_speaks_polish_and_finnish_plurals_and_offers_a_message(server_factory, tmp_path, browser):
    srv = server_factory("--flows-config", str(flows_file(tmp_path, QUEUE)))
    await busy_floor(srv, 1)
    pl = await new_page(browser, VIEWPORTS["phone"])
    await open_shop(pl, srv, lang="pl")
    await write_first(pl, "Czy kurtka jest dostępna?")
    place = pl.locator(".cd-queue-place").filter(has_text="osoba")
    await place.wait_for(timeout=10_000)
    assert await place.text_content() == "Jesteś w kolejce: 1 osoba przed Tobą. Szacowany czas oczekiwania: około 8 min."
    assert await text_of(pl, ".cd-queue-busy") == "Wszyscy pomagamy teraz innym klientom sklepu."

    fi = await new_page(browser, VIEWPORTS["desktop"])
    await open_shop(fi, srv, lang="fi")
    await write_first(fi, "Onko takki varastossa?")
    fi_place = fi.locator(".cd-queue-place").filter(has_text="henkilöä")
    await fi_place.wait_for(timeout=10_000)
    assert await fi_place.text_content() == "Olet jonossa: 2 henkilöä ennen sinua. Arvioitu odotusaika: noin 12 min."
    # no Finnish busy message configured: the catalogue's own
    assert await text_of(fi, ".cd-queue-busy") == \
        "Kaikki auttavat juuri nyt muita asiakkaita; palvelemme sinua heti kun voimme."
    await fi.locator(".cd-offer-offline").click()                      # past max_length: the offer
    await fi.locator(".cd-request-title:text-is('Jätä viesti')").wait_for(timeout=5_000)
    assert await pl.locator(".cd-queue-offer").count() == 0             # second in line: no offer
