"""Mail over real SMTP: aiosmtpd on loopback receives the transcript a visitor asks for, the sales
follow-up at close, an offline message to the team, and (while the SMTP server is away) keeps its deliveries retried and visible to
admins. Untrusted text is escaped in the HTML part and kept to one line in subjects."""
from __future__ import annotations

import asyncio
import re

import pytest

from chatdesk.server.outbox.mail_texts import TRANSCRIPT_TEXTS
from chatdesk.server.outbox.mails import request_mail, transcript_mail
from tests.support.api import Operator
from tests.support.mail_receiver import SHOP_MAIL_ARGS, MailReceiver, parts
from tests.support.outbox import QUICK_RETRIES
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

NAME = "Maria <b>&amp;</b>"
MAIL_ARGS = SHOP_MAIL_ARGS


async def test_the_transcript_the_sales_follow_up_and_an_offline_message_arrive_escaped(server_factory, mailbox):
    srv = server_factory(*QUICK_RETRIES, *mailbox.server_args(), *MAIL_ARGS)
    ana = await Operator.create(srv, "ana@example.com", name="Ana")
    await ana.status("online")
    visitor = await Visitor(srv).arrive()
    cid = await visitor.start_chat("Do you ship <anywhere>?\nTo Oslo", name=NAME)
    assert (await ana.accept(cid)).status_code == 200
    await ana.say(cid, "Yes, <script>alert(1)</script> we do")
    await ana.say(cid, "internal: check stock", kind="note")
    r = await visitor.post(f"/visitor/conversations/{cid}/transcript-mail", {"email": "maria@example.com"})
    assert r.status_code == 202 and r.json() == {"ok": True}
    stranger = await Visitor(srv).arrive()
    r = await stranger.post(f"/visitor/conversations/{cid}/transcript-mail", {"email": "eve@example.com"})
    assert r.status_code == 404                  # only the chat's own visitor
    await stranger.close()

    [mail] = await wait_for(lambda: mailbox.to("maria@example.com"), timeout=30, what="the transcript mail")
    assert mail["Subject"] == f"Your chat transcript ({cid})" and mail["From"] == "desk@shop.test"
    text, page = parts(mail)
    assert "Here is the transcript of your chat with us." in text
    assert "You: Do you ship <anywhere>?\nTo Oslo" in text and "Ana: Yes, <script>alert(1)</script> we do" in text
    assert "check stock" not in text and "check stock" not in page          # notes stay inside
    assert "Yes, &lt;script&gt;alert(1)&lt;/script&gt; we do" in page and "<script>" not in page
    assert "Do you ship &lt;anywhere&gt;?<br>To Oslo" in page

    await ana.ok("POST", f"/conversations/{cid}/close", {"summary": "Shipping to <Oslo>", "tags": ["shipping"],
                                                        "follow_up": "Send a quote for 40 <b>chairs</b>"})
    [sales] = await wait_for(lambda: mailbox.to("sales@shop.test"), timeout=30, what="the sales follow-up")
    assert sales["Subject"] == f"Sales follow-up: {NAME} (chat {cid})"
    text, page = parts(sales)
    link = rf"https://chat\.shop\.test/api/v1/transcript-links/{cid}\?expires=\d+&sig=[0-9a-f]{{64}}"
    assert "Follow-up: Send a quote for 40 <b>chairs</b>" in text and "Summary: Shipping to <Oslo>" in text
    assert f"Contact: {NAME}" in text and "Tags: shipping" in text and re.search(f"Transcript: {link}\n", text)
    assert "Send a quote for 40 &lt;b&gt;chairs&lt;/b&gt;" in page and "Maria &lt;b&gt;&amp;amp;&lt;/b&gt;" in page
    assert "<b>chairs" not in page and "<b>&amp;" not in page
    assert not mailbox.to("team@shop.test")      # no offline message or callback yet

    await visitor.ok("POST", "/visitor/requests", {"kind": "offline", "channel": "email", "name": NAME,
                                                   "email": "maria@example.com",
                                                   "message": "Still there? <img src=x onerror=alert(1)>"})
    [offline] = await wait_for(lambda: mailbox.to("team@shop.test"), timeout=30, what="the offline message")
    assert offline["Subject"] == f"Offline message: {NAME}"
    text, page = parts(offline)
    assert "Message: Still there? <img src=x onerror=alert(1)>" in text and "E-mail: maria@example.com" in text
    assert "Still there? &lt;img src=x onerror=alert(1)&gt;" in page and "<img" not in page
    await asyncio.gather(visitor.close(), ana.close())


async def test_mail_waits_for_an_smtp_server_that_is_away_and_admins_see_why(server_factory):
    box = MailReceiver()                          # its port is chosen, nothing listens yet
    srv = server_factory(*QUICK_RETRIES, *box.server_args(), *MAIL_ARGS)
    admin = await Operator.create(srv, "root@example.com", role="admin")
    visitor = await Visitor(srv).arrive()
    cid = await visitor.start_chat("hello")
    r = await visitor.post(f"/visitor/conversations/{cid}/transcript-mail", {"email": "maria@example.com"})
    assert r.status_code == 202

    async def failing() -> list[dict]:
        pending = (await admin.ok("GET", "/admin/deliveries?state=pending"))["deliveries"]
        return [d for d in pending if d["attempts"] >= 2]
    [waiting] = await wait_for(failing, timeout=30, what="a mail delivery retried")
    assert waiting["channel"] == "mail" and waiting["target"] == "maria@example.com"
    assert waiting["event"] == "transcript" and "refused" in waiting["last_error"]
    box.start()
    try:
        [mail] = await wait_for(lambda: box.to("maria@example.com"), timeout=30, what="the mail once SMTP is back")
        assert mail["Message-ID"] == f"<{waiting['id']}@chatdesk>"    # the delivery id, fixed at enqueue
    finally:
        box.stop()
    await asyncio.gather(visitor.close(), admin.close())


async def test_a_transcript_mail_needs_an_address_and_a_server_that_sends_mail(shared_server):
    visitor = await Visitor(shared_server).arrive()
    cid = await visitor.start_chat("hello")
    r = await visitor.post(f"/visitor/conversations/{cid}/transcript-mail", {"email": "not an address"})
    assert r.status_code == 422 and r.json()["message"] == "'not an address' is not an e-mail address."
    r = await visitor.post(f"/visitor/conversations/{cid}/transcript-mail", {"email": "maria@example.com"})
    assert r.status_code == 409
    assert r.json()["message"] == "This chat server sends no e-mail, so it cannot send the transcript."
    await visitor.close()


async def test_without_a_language_in_the_request_the_shops_then_the_browsing_language_counts(server_factory, mailbox):
    """The widget sends the language it shows (tests/widget/test_transcript_mail.py); a request
    without one gets the shop's fixed --widget-language, else the language the heartbeat reported."""
    fixed = server_factory(*QUICK_RETRIES, *mailbox.server_args(), *MAIL_ARGS, "--widget-language", "pl", name="pl")
    browsing = server_factory(*QUICK_RETRIES, *mailbox.server_args(), *MAIL_ARGS, name="auto")
    for srv, address, language in ((fixed, "ola@example.pl", None), (browsing, "aino@example.fi", "fi-FI"),
                                   (browsing, "eve@example.com", None)):
        visitor = await Visitor(srv).arrive()
        if language:
            await visitor.ok("POST", "/visitor/heartbeat", {"language": language})
        cid = await visitor.start_chat("hello")
        r = await visitor.post(f"/visitor/conversations/{cid}/transcript-mail", {"email": address})
        assert r.status_code == 202
        await visitor.close()
    [pl] = await wait_for(lambda: mailbox.to("ola@example.pl"), timeout=30, what="the Polish mail")
    [fi] = await wait_for(lambda: mailbox.to("aino@example.fi"), timeout=30, what="the Finnish mail")
    [en] = await wait_for(lambda: mailbox.to("eve@example.com"), timeout=30, what="the English mail")
    assert pl["Subject"].startswith("Zapis Twojej rozmowy (") and "Ty: hello" in parts(pl)[0]
    assert fi["Subject"].startswith("Kopio keskustelustasi (") and "Sinä: hello" in parts(fi)[0]
    assert en["Subject"].startswith("Your chat transcript (") and "You: hello" in parts(en)[0]


async def test_a_language_the_widget_sends_must_be_a_language_tag(shared_server):
    visitor = await Visitor(shared_server).arrive()
    cid = await visitor.start_chat("hello")
    r = await visitor.post(f"/visitor/conversations/{cid}/transcript-mail",
                           {"email": "maria@example.com", "lang": "fi\r\nBcc: x@evil.test"})
    assert r.status_code == 422 and "lang" in r.json()["message"]
    await visitor.close()


@pytest.mark.parametrize("lang", [lang for lang in TRANSCRIPT_TEXTS if lang != "en"])
def test_the_transcript_mail_is_translated_whole(lang):
    english, own = TRANSCRIPT_TEXTS["en"], TRANSCRIPT_TEXTS[lang]
    assert set(own) == set(english)
    assert all(own[key] != english[key] for key in english), [k for k in english if own[k] == english[k]]


def test_the_visitors_mail_speaks_their_language_and_falls_back_to_english():
    conv = {"id": 7}
    msgs = [{"author_type": "visitor", "author_name": "Maria", "body": "hei", "ts": 0.0},
            {"author_type": "operator", "author_name": "", "body": "moi", "ts": 1.0}]
    assert transcript_mail("m@example.com", "pl", conv, msgs).subject == "Zapis Twojej rozmowy (7)"
    fi = transcript_mail("m@example.com", "fi-FI", conv, msgs)
    assert fi.subject == "Kopio keskustelustasi (7)" and "Sinä: hei" in fi.text
    assert "Asiakaspalvelumme: moi" in fi.text and '<html lang="fi">' in fi.html
    assert transcript_mail("m@example.com", "de", conv, msgs).subject == "Your chat transcript (7)"
    assert transcript_mail("m@example.com", None, conv, msgs).subject == "Your chat transcript (7)"


def test_an_offline_message_mail_escapes_the_visitor_and_keeps_the_subject_on_one_line():
    mail = request_mail("team@shop.test", {"kind": "offline", "name": "Eve\r\nBcc: x@evil.test <i>",
                                           "email": "eve@example.com", "channel": "email",
                                           "message": "<img src=x onerror=alert(1)>"}, "")
    assert mail.subject == "Offline message: Eve Bcc: x@evil.test <i>"
    assert "&lt;img src=x onerror=alert(1)&gt;" in mail.html and "<img" not in mail.html
    assert "Message: <img src=x onerror=alert(1)>" in mail.text
