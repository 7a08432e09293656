"""The transcript link in `conversation.closed` and in the sales follow-up opens in a plain browser
request, without a login: the server signed it. A changed link, a link for another chat and an
expired link are refused with a sentence; the key survives a restart, so links already sent work."""
from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx

from tests.support.api import Operator
from tests.support.mail_receiver import SHOP_MAIL_ARGS, parts
from tests.support.outbox import QUICK_RETRIES, webhook_cli
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for


def on(srv, link: str) -> str:
    """The link's path and query on the test server (the link itself names --public-url)."""
    parts_ = urlsplit(link)
    assert parts_.scheme == "https" and parts_.netloc == "chat.shop.test", link
    return f"{srv.url}{parts_.path}?{parts_.query}"


async def closed_chat_with_follow_up(srv, ana: Operator, said: str) -> int:
    visitor = await Visitor(srv).arrive()
    cid = await visitor.start_chat(said, name="Maria")
    assert (await ana.accept(cid)).status_code == 200
    await ana.say(cid, "We do, from Oslo.")
    await ana.ok("POST", f"/conversations/{cid}/close", {"summary": "Shipping", "tags": ["shipping"],
                                                        "follow_up": "Send a quote"})
    await visitor.close()
    return cid


async def test_the_link_in_the_webhook_and_the_sales_mail_opens_without_a_login(server_factory, receiver, mailbox):
    srv = server_factory(*QUICK_RETRIES, *mailbox.server_args(), *SHOP_MAIL_ARGS)
    await asyncio.to_thread(webhook_cli, srv, "add", receiver.url, "--events", "conversation.closed")
    ana = await Operator.create(srv, "ana@example.com", name="Ana")
    cid = await closed_chat_with_follow_up(srv, ana, "Do you ship <b>chairs</b> to [Oslo](http://evil.test)?")
    [hook] = await wait_for(lambda: receiver.ok(), timeout=30, what="conversation.closed")
    [mail] = await wait_for(lambda: mailbox.to("sales@shop.test"), timeout=30, what="the sales follow-up")
    link = hook.json["data"]["transcript_url"]
    assert f"Transcript: {link}\n" in parts(mail)[0]           # one link, in both

    async with httpx.AsyncClient(timeout=30) as browser:       # no token, no cookie
        r = await browser.get(on(srv, link))
        assert r.status_code == 200 and r.headers["content-type"] == "text/plain; charset=utf-8"
        assert r.headers["cache-control"] == "private, no-store" and r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.text.startswith(f"# Conversation {cid}\n") and "We do, from Oslo." in r.text
        assert r.text.count("Do you ship \\<b\\>chairs\\</b\\> to \\[Oslo\\](http://evil.test)?") == 1

        tampered = on(srv, link)[:-1] + ("0" if link[-1] != "0" else "1")
        r = await browser.get(tampered)
        assert r.status_code == 403 and r.json()["message"] == \
            "This transcript link is not valid: it was changed, or it is not from this server."
        other = await closed_chat_with_follow_up(srv, ana, "Another chat")
        r = await browser.get(on(srv, link).replace(f"/transcript-links/{cid}?", f"/transcript-links/{other}?"))
        assert r.status_code == 403 and r.json()["error"] == "bad_link"
        later = on(srv, link).replace("expires=", "expires=9")      # a longer life is a changed link
        assert (await browser.get(later)).status_code == 403
        r = await browser.get(on(srv, link).split("&sig=")[0] + "&sig=" + "é" * 64)
        assert r.status_code == 422 and "sig" in r.json()["message"]   # not hex: refused before any check
        r = await browser.get(f"{srv.url}/api/v1/transcripts/{cid}/export?format=md")
        assert r.status_code == 401                                 # the staff export still needs a login

    await ana.close()
    srv.restart()                                                   # the key is in the database
    async with httpx.AsyncClient(timeout=30) as browser:
        r = await browser.get(on(srv, link))
        assert r.status_code == 200 and "We do, from Oslo." in r.text


async def test_an_expired_link_says_so(server_factory, receiver):
    srv = server_factory(*QUICK_RETRIES, "--public-url", "https://chat.shop.test", "--transcript-link-days", "0")
    await asyncio.to_thread(webhook_cli, srv, "add", receiver.url, "--events", "conversation.closed")
    ana = await Operator.create(srv, "ana@example.com", name="Ana")
    await closed_chat_with_follow_up(srv, ana, "hello")
    [hook] = await wait_for(lambda: receiver.ok(), timeout=30, what="conversation.closed")
    async with httpx.AsyncClient(timeout=30) as browser:
        r = await browser.get(on(srv, hook.json["data"]["transcript_url"]))
    assert r.status_code == 403 and r.json()["error"] == "link_expired"
    assert r.json()["message"].startswith("This transcript link expired on ")
    assert r.json()["message"].endswith("Staff can read the chat in the desk (transcripts, F11).")
    await ana.close()


async def test_the_team_mail_for_a_callback_from_a_chat_links_the_chat_so_far(server_factory, mailbox):
    srv = server_factory(*QUICK_RETRIES, *mailbox.server_args(), *SHOP_MAIL_ARGS)
    ana = await Operator.create(srv, "ana@example.com", name="Ana")
    visitor = await Visitor(srv).arrive()
    cid = await visitor.start_chat("Can someone call me about the sofa?", name="Maria")
    assert (await ana.accept(cid)).status_code == 200
    await visitor.ok("POST", "/visitor/requests", {"kind": "callback", "channel": "phone", "name": "Maria",
                                                   "phone": "+47 555 0101", "conversation_id": cid})
    [mail] = await wait_for(lambda: mailbox.to("team@shop.test"), timeout=30, what="the callback request mail")
    [link] = [line.removeprefix("Chat: ") for line in parts(mail)[0].splitlines() if line.startswith("Chat: ")]
    async with httpx.AsyncClient(timeout=30) as browser:
        r = await browser.get(on(srv, link))
    assert r.status_code == 200 and "Can someone call me about the sofa?" in r.text    # still open: so far
    await asyncio.gather(visitor.close(), ana.close())
