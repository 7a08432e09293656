"""An operator's invite by hand (POST /browsing/{id}/invite, what the desk's visitors list sends
with `i`) in the real widget: the message by the bubble with the operator's name (no serious or
critical axe-core finding), in the panel
as the chat's first line, and the visitor's reply starts a chat already assigned to that
operator; the same in Polish, where the invite's controls speak the page's language."""
from __future__ import annotations

from tests.support.api import Operator
from tests.support.axe import grave_violations
from tests.support.shop_visits import INVITE, Heartbeats, invite_shown
from tests.support.waiting import wait_for
from tests.support.widget_page import operator_texts, visitor_id_of
from tests.support.widget_pages import DESKTOP, new_page, page_in, text_of, write_first


async def on_the_site(op: Operator, vid: str) -> bool:
    listed = await op.ok("GET", "/browsing?limit=500")
    return any(v["id"] == vid for v in listed["visitors"])


async def test_a_manual_invite_shows_and_the_reply_is_a_chat_of_the_inviting_operator(server_factory, browser):
    srv = server_factory()
    ana = await Operator.create(srv, "ana@example.com", name="Ana")
    omar = await Operator.create(srv, "omar@example.com", name="Omar")      # also free: the chat must not go to him
    errors: list[str] = []
    page = await new_page(browser, DESKTOP, errors)
    Heartbeats.of(page)
    await page.goto(srv.url + "/shop/product.html")
    vid = await visitor_id_of(page)
    await wait_for(lambda: on_the_site(ana, vid), "the visitor on Ana's list", timeout=20)
    hostile = "Hi! <b>Sizes</b> run true. <img src=x onerror=alert(1)>"
    invitation = await ana.ok("POST", f"/browsing/{vid}/invite", {"body": hostile})
    assert (invitation["group"], invitation["operator_id"]) == ("manual", ana.id)

    assert await invite_shown(page) == hostile                # as text, never markup
    assert await page.locator(f"{INVITE} img, {INVITE} b").count() == 0
    assert await grave_violations(page) == [], "an invite by the bubble"
    assert await text_of(page, f"{INVITE} .cd-invite-from") == "Ana"
    await page.click(f"{INVITE} .cd-invite-reply")
    await page.locator(INVITE).wait_for(state="hidden")       # the panel shows it now
    assert await operator_texts(page) == [hostile]
    assert await page.evaluate("document.activeElement.className") == "cd-input"
    async with page.expect_response(lambda r: r.url.endswith("/reply")) as replied:
        await write_first(page, "Yes, is 42 in stock?")
    cid = (await (await replied.value).json())["conversation"]["id"]

    async def assigned():
        chat = (await ana.detail(cid)).json()["conversation"]
        return chat["state"] == "active" and chat
    chat = await wait_for(assigned, "the reply's chat, active", timeout=20)
    assert chat["operator_id"] == ana.id and chat["operator_id"] != omar.id
    messages = (await ana.detail(chat["id"])).json()["messages"]
    assert [(m["author_type"], m["body"]) for m in messages if m["kind"] == "text"] == [
        ("operator", hostile), ("visitor", "Yes, is 42 in stock?")]
    await page.locator("#chatdesk .cd-status", has_text="You are chatting with Ana.").wait_for(timeout=20_000)
    await page.locator("#chatdesk .cd-invite-line").wait_for(state="detached", timeout=20_000)
    assert await operator_texts(page) == [hostile]            # the chat's own first line, once
    await ana.say(chat["id"], "Yes, plenty.")
    await page.locator("#chatdesk .cd-operator", has_text="Yes, plenty.").wait_for(timeout=20_000)
    assert errors == []


async def test_the_invite_speaks_the_page_language_and_dismissing_it_says_so(server_factory, browser):
    srv = server_factory()
    ana = await Operator.create(srv, "ana@example.com", name="Ana")
    page = await new_page(browser, DESKTOP)
    url = srv.url + "/shop/konto.html"
    await page.route(url, lambda route: route.fulfill(body=page_in("pl"), content_type="text/html"))
    await page.goto(url)
    vid = await visitor_id_of(page)
    await wait_for(lambda: on_the_site(ana, vid), "the visitor on Ana's list", timeout=20)
    await ana.ok("POST", f"/browsing/{vid}/invite", {"body": "Dzień dobry! W czym pomóc?"})
    assert await invite_shown(page) == "Dzień dobry! W czym pomóc?"
    assert await page.locator(INVITE).get_attribute("aria-label") == "Wiadomość ze sklepu"
    assert await text_of(page, f"{INVITE} .cd-invite-reply") == "Odpowiedz"
    async with page.expect_response(lambda r: "/visitor/invites/" in r.url and "dismissed" in (r.request.post_data or "")) as told:
        await page.click(f"{INVITE} .cd-invite-dismiss")
    assert (await told.value).ok
    again = await ana.post(f"/browsing/{vid}/invite", {"body": "Jeszcze raz?"})
    assert again.status_code == 201                           # a dismissed invite is no open one
