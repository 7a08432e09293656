""""E-mail me this transcript" from end to end: the visitor asks in the widget (real Chromium), the
server queues the mail in its outbox, and a real SMTP server on loopback (aiosmtpd) receives it:
the right recipient and subject, plain text with the visitor's words as written, HTML with them
escaped, in the language the widget showed the visitor."""
from __future__ import annotations

import asyncio
import re

from tests.support.api import Operator
from tests.support.mail_receiver import SHOP_MAIL_ARGS, parts
from tests.support.outbox import QUICK_RETRIES
from tests.support.shop_origin import shop_page
from tests.support.waiting import wait_for
from tests.support.widget_pages import VIEWPORTS, new_page, open_shop, write_first

ASKED = "Do you ship <b>boots</b> & tents to Oslo?"
ANSWER = "Yes: <script>alert(1)</script> in 3 days & free"


async def online_operator(srv) -> Operator:
    """Online before the widget opens (with nobody online it offers the offline form)."""
    ana = await Operator.create(srv, "ana@example.com", name="Ana <i>Kowalska</i>")
    await ana.status("online")
    return ana


async def chat_then_ask_for_the_transcript(ana: Operator, page, address: str, sent_text: str) -> int:
    """On the open widget: a chat answered and closed by the operator; then the visitor asks for
    the transcript with the widget's control. Returns the conversation id."""
    await write_first(page, ASKED)
    cid = (await wait_for(ana.queue_ids, "the chat in the queue", timeout=15))[0]
    assert (await ana.accept(cid)).status_code == 200
    await ana.say(cid, ANSWER)
    await ana.say(cid, "internal: VIP customer", kind="note")
    await page.locator("#chatdesk .cd-operator").first.wait_for(timeout=15_000)
    await ana.ok("POST", f"/conversations/{cid}/close", {"summary": "Shipping", "tags": []})
    await page.locator(".cd-transcript").wait_for(timeout=15_000)
    await page.fill(".cd-transcript-email", address)
    await page.click(".cd-transcript-send")
    await page.locator(".cd-transcript-said").filter(has_text=sent_text).wait_for(timeout=15_000)
    await asyncio.gather(ana.close(), page.context.close())
    return cid


async def test_the_transcript_asked_for_in_the_widget_arrives_by_smtp(server_factory, browser, mailbox):
    srv = server_factory(*QUICK_RETRIES, *mailbox.server_args(), *SHOP_MAIL_ARGS)
    ana = await online_operator(srv)
    page = await new_page(browser, VIEWPORTS["desktop"])
    await open_shop(page, srv)                              # the demo shop, in English
    cid = await chat_then_ask_for_the_transcript(ana, page, "ines@example.org",
                                                 "The transcript is on its way to ines@example.org.")
    [mail] = await wait_for(lambda: mailbox.to("ines@example.org"), timeout=30, what="the transcript mail")
    assert [rcpt for rcpt, m in mailbox.mails] == [["ines@example.org"]]     # nobody else got a copy
    assert mail["To"] == "ines@example.org" and mail["From"] == "desk@shop.test"
    assert mail["Subject"] == f"Your chat transcript ({cid})"
    text, page = parts(mail)
    assert text.startswith("Here is the transcript of your chat with us.\n")
    assert re.search(rf"\] You: {re.escape(ASKED)}\n", text)                     # as written, not escaped
    assert re.search(rf"\] Ana <i>Kowalska</i>: {re.escape(ANSWER)}\n", text)
    assert "Thank you for chatting with us." in text and "VIP customer" not in text + page
    assert '<html lang="en">' in page
    assert "<b>You</b>: Do you ship &lt;b&gt;boots&lt;/b&gt; &amp; tents to Oslo?" in page
    assert "<b>Ana &lt;i&gt;Kowalska&lt;/i&gt;</b>: Yes: &lt;script&gt;alert(1)&lt;/script&gt; in 3 days &amp; free" in page
    assert "<script>" not in page and "<b>boots" not in page and "<i>" not in page


async def test_a_finnish_page_gets_the_transcript_in_finnish(server_factory, browser, mailbox, shop):
    """The shop's own page says <html lang="fi"> (on its own origin: a page Playwright made up
    would be refused the loopback stream by Chromium's local-network checks)."""
    srv = server_factory(*QUICK_RETRIES, *mailbox.server_args(), *SHOP_MAIL_ARGS, "--allowed-origin", shop.url)
    shop.put("/", shop_page(srv.url, "Kauppa", lang="fi"))
    ana = await online_operator(srv)
    page = await new_page(browser, VIEWPORTS["desktop"])
    await page.goto(shop.url + "/")
    await page.locator("#chatdesk .cd-bubble").click()
    await page.locator("#chatdesk .cd-send:text-is('Lähetä')").wait_for(timeout=15_000)
    cid = await chat_then_ask_for_the_transcript(ana, page, "aino@example.fi",
                                                 "Keskustelu on matkalla osoitteeseen aino@example.fi.")
    [mail] = await wait_for(lambda: mailbox.to("aino@example.fi"), timeout=30, what="the Finnish transcript mail")
    assert mail["Subject"] == f"Kopio keskustelustasi ({cid})"
    text, page = parts(mail)
    assert text.startswith("Tässä on kopio keskustelustasi kanssamme.\n")
    assert f"] Sinä: {ASKED}\n" in text and "Kiitos keskustelusta." in text
    assert "Lähetimme tämän kopion, koska sitä pyydettiin verkkosivumme chatissa." in text
    assert '<html lang="fi">' in page and "<title>Kopio keskustelustasi</title>" in page
    assert "<b>Sinä</b>: Do you ship &lt;b&gt;boots&lt;/b&gt; &amp; tents to Oslo?" in page
