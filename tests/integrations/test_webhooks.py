"""Webhooks end to end: a real server, a real receiver on loopback, subscriptions made with the real
`chatdesk webhook` command and the admin API. Every delivery is checked with the verifier a
receiver would use (chatdesk.integrations.verify)."""
from __future__ import annotations

import asyncio
import re
from collections import Counter

import pytest

from chatdesk.integrations.verify import Rejected, verify
from tests.support.api import Operator
from tests.support.outbox import QUICK_RETRIES, added_secret, webhook_cli
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for
from tests.support.webhook_receiver import WebhookReceiver

EVERY_EVENT_OF_A_CHAT = Counter({"conversation.opened": 1, "message.created": 2, "conversation.assigned": 1,
                                 "conversation.transferred": 1, "conversation.closed": 1, "rating.given": 1,
                                 "callback.requested": 1, "offline.message": 1, "order.attributed": 1})


async def deliveries(admin: Operator, state: str) -> list[dict]:
    return (await admin.ok("GET", f"/admin/deliveries?state={state}"))["deliveries"]


async def test_each_event_of_a_chat_arrives_once_signed_and_a_tampered_body_is_rejected(server_factory, receiver):
    srv = server_factory(*QUICK_RETRIES, "--public-url", "https://chat.shop.test")
    _, secret = added_secret(await asyncio.to_thread(webhook_cli, srv, "add", receiver.url, "--events", "*"))
    admin, ana, bo = await asyncio.gather(Operator.create(srv, "root@example.com", role="admin"),
                                          *[Operator.create(srv, f"{n}@example.com") for n in ("ana", "bo")])
    await ana.status("online")
    await bo.status("online")
    visitor = await Visitor(srv).arrive()
    cid = await visitor.start_chat("Hi <script>alert(1)</script>", name="Maria")
    assert (await ana.accept(cid)).status_code == 200
    await ana.say(cid, "Hello Maria")
    await ana.say(cid, "a note the visitor never sees", kind="note")
    await ana.ok("POST", f"/conversations/{cid}/transfer", {"operator_id": bo.id, "note": "sales question"})
    await bo.ok("POST", f"/conversations/{cid}/close",
                {"summary": "Asked about shipping", "tags": ["shipping"], "follow_up": "Send a quote"})
    await visitor.ok("POST", f"/visitor/conversations/{cid}/rating", {"rating": 4, "comment": "quick"})
    await visitor.ok("POST", "/visitor/requests", {"kind": "callback", "channel": "phone", "name": "Maria",
                                                   "phone": "+47 555 0101", "preferred_time": "after 5",
                                                   "conversation_id": cid})
    await visitor.ok("POST", "/visitor/requests", {"kind": "offline", "channel": "email", "email": "m@example.com",
                                                   "message": "Do you ship to Svalbard?"})
    await visitor.ok("POST", "/visitor/events", {"type": "order", "id": "A-1001", "value": 129.5, "currency": "EUR"})

    await wait_for(lambda: Counter(receiver.events()) == EVERY_EVENT_OF_A_CHAT, timeout=30,
                   what=f"every event once, got {receiver.events()}")
    assert await deliveries(admin, "pending") == [] and await deliveries(admin, "dead") == []
    assert len(await deliveries(admin, "delivered")) == 10         # nothing more is on its way
    got = receiver.ok()
    assert len({r.delivery for r in got}) == 10 and Counter(receiver.events()) == EVERY_EVENT_OF_A_CHAT

    for r in got:
        verify(secret, r.body, r.headers["x-chatdesk-signature"], r.headers["x-chatdesk-timestamp"])
        assert r.json["id"] == r.delivery and r.json["event"] == r.headers["x-chatdesk-event"]
        tampered = r.body.replace(b'"data"', b'"dato"')
        with pytest.raises(Rejected):
            verify(secret, tampered, r.headers["x-chatdesk-signature"], r.headers["x-chatdesk-timestamp"])
        with pytest.raises(Rejected):
            verify("whsec_not-the-secret", r.body, r.headers["x-chatdesk-signature"],
                   r.headers["x-chatdesk-timestamp"])
        with pytest.raises(Rejected):     # a replay six minutes later
            verify(secret, r.body, r.headers["x-chatdesk-signature"], r.headers["x-chatdesk-timestamp"],
                   now=float(r.headers["x-chatdesk-timestamp"]) + 360)

    by_event = {r.json["event"]: r.json["data"] for r in got}
    assert sorted(r.json["data"]["body"] for r in got if r.json["event"] == "message.created") == \
        ["Hello Maria", "Hi <script>alert(1)</script>"]
    closed = by_event["conversation.closed"]
    assert closed["conversation"]["summary"] == "Asked about shipping"
    assert closed["conversation"]["tags"] == ["shipping"] and closed["conversation"]["follow_up"] == "Send a quote"
    assert re.fullmatch(rf"https://chat\.shop\.test/api/v1/transcript-links/{cid}\?expires=\d+&sig=[0-9a-f]{{64}}",
                        closed["transcript_url"])         # signed (tests/integrations/test_transcript_links.py)
    assert closed["visitor"]["name"] == "Maria"
    assert by_event["rating.given"]["rating"] == {"rating": 4, "comment": "quick"}
    assert by_event["conversation.transferred"]["conversation"]["operator_id"] == bo.id
    assert by_event["conversation.assigned"]["conversation"]["operator_id"] == ana.id
    callback = by_event["callback.requested"]["request"]
    assert callback["phone"] == "+47 555 0101" and callback["conversation_id"] == cid and callback["kind"] == "callback"
    assert by_event["offline.message"]["request"]["message"] == "Do you ship to Svalbard?"
    order = by_event["order.attributed"]
    assert (order["conversation_id"], order["operator_id"], order["tags"]) == (cid, bo.id, ["shipping"])
    assert (order["order"]["order_ref"], order["order"]["value"], order["order"]["currency"]) == ("A-1001", 129.5, "EUR")
    await visitor.close()


async def test_a_receiver_failing_five_times_gets_the_same_delivery_id_the_sixth_time(server_factory, receiver):
    srv = server_factory(*QUICK_RETRIES)
    admin = await Operator.create(srv, "root@example.com", role="admin")
    made = await admin.ok("POST", "/admin/webhooks", {"url": receiver.url, "events": ["message.created"]})
    receiver.fail_next = 5
    visitor = await Visitor(srv).arrive()
    await visitor.start_chat("is anyone there?")
    await wait_for(lambda: receiver.ok(), timeout=30, what="the delivery after five failures")
    tries = list(receiver.received)
    assert [t.answered for t in tries] == [503] * 5 + [200]
    assert len({t.delivery for t in tries}) == 1
    for t in tries:       # each retry is signed afresh, with the subscription's secret
        verify(made["secret"], t.body, t.headers["x-chatdesk-signature"], t.headers["x-chatdesk-timestamp"])
    [done] = await deliveries(admin, "delivered")
    assert done["id"] == tries[0].delivery and done["attempts"] == 6 and done["last_error"] == ""
    record = await admin.ok("GET", f"/admin/deliveries/{done['id']}")       # every attempt, as admins see it
    assert [(a["ok"], a["status"]) for a in record["attempts"]] == [(False, 503)] * 5 + [(True, 200)]
    assert {a["error"] for a in record["attempts"][:5]} == {"The receiver answered 503."}
    await visitor.close()


async def test_a_dead_letter_is_listed_and_redelivered_by_the_admin_command(server_factory, receiver):
    srv = server_factory(*QUICK_RETRIES, "--give-up-after", "0.5")
    _, secret = added_secret(await asyncio.to_thread(webhook_cli, srv, "add", receiver.url,
                                                     "--events", "conversation.opened"))
    receiver.fail_next, receiver.fail_status = 10 ** 6, 500
    visitor = await Visitor(srv).arrive()
    await visitor.start_chat("hello")
    dead = await wait_for(lambda: "conversation.opened" in webhook_cli(srv, "dead") and webhook_cli(srv, "dead"),
                          timeout=30, what="a dead letter")
    delivery_id = dead.split("\t")[0]
    assert "The receiver answered 500." in dead and receiver.received
    assert {r.delivery for r in receiver.received} == {delivery_id}
    receiver.fail_next = 0
    said = await asyncio.to_thread(webhook_cli, srv, "redeliver", delivery_id)
    assert f"Delivery {delivery_id}" in said and "due again" in said
    await wait_for(lambda: receiver.ok(), timeout=30, what="the redelivered dead letter")
    [ok] = receiver.ok()
    assert ok.delivery == delivery_id
    verify(secret, ok.body, ok.headers["x-chatdesk-signature"], ok.headers["x-chatdesk-timestamp"])
    assert "No dead letters." in await asyncio.to_thread(webhook_cli, srv, "dead")
    await visitor.close()


async def test_during_a_rotation_either_secret_verifies_a_delivery(server_factory, receiver):
    srv = server_factory(*QUICK_RETRIES)
    hook_id, old = added_secret(await asyncio.to_thread(webhook_cli, srv, "add", receiver.url,
                                                        "--events", "message.created"))
    rotated = await asyncio.to_thread(webhook_cli, srv, "rotate", str(hook_id))
    assert "previous secret still signs until" in rotated
    _, new = added_secret(rotated)
    assert new != old
    assert "rotating until" in await asyncio.to_thread(webhook_cli, srv, "list")
    visitor = await Visitor(srv).arrive()
    await visitor.start_chat("hello after the rotation")
    [r] = await wait_for(lambda: receiver.ok(), timeout=30, what="a delivery after the rotation")
    signature, stamp = r.headers["x-chatdesk-signature"], r.headers["x-chatdesk-timestamp"]
    assert signature.count("sha256=") == 2
    verify(new, r.body, signature, stamp)
    verify(old, r.body, signature, stamp)
    with pytest.raises(Rejected):
        verify("whsec_" + "0" * 64, r.body, signature, stamp)

    _, newest = added_secret(await asyncio.to_thread(webhook_cli, srv, "rotate", str(hook_id), "--overlap", "0"))
    await visitor.say("after a rotation without overlap")
    [_, r] = await wait_for(lambda: len(receiver.ok()) == 2 and receiver.ok(), timeout=30, what="the next delivery")
    signature, stamp = r.headers["x-chatdesk-signature"], r.headers["x-chatdesk-timestamp"]
    assert signature.count("sha256=") == 1
    verify(newest, r.body, signature, stamp)
    with pytest.raises(Rejected):
        verify(new, r.body, signature, stamp)
    await visitor.close()


async def test_a_hanging_receiver_holds_only_its_own_slot(server_factory, receiver):
    """Two of two slots: the hanging receiver may hold one; the healthy one gets every delivery."""
    healthy = WebhookReceiver().start()
    try:
        srv = server_factory(*QUICK_RETRIES, "--delivery-concurrency", "2", "--delivery-timeout", "30")
        receiver.hanging.set()
        for url in (receiver.url, healthy.url):
            await asyncio.to_thread(webhook_cli, srv, "add", url, "--events", "message.created")
        visitor = await Visitor(srv).arrive()
        await visitor.start_chat("one")
        for body in ("two", "three"):
            await visitor.say(body)
        await wait_for(lambda: len(healthy.ok()) == 3, timeout=30, what="the healthy receiver's three deliveries")
        assert sorted(r.json["data"]["body"] for r in healthy.ok()) == ["one", "three", "two"]
        assert not receiver.ok()          # still hanging on its first
        await visitor.close()
    finally:
        receiver.released.set()
        healthy.stop()


async def test_only_an_admin_manages_webhooks_and_bad_input_gets_a_sentence(shared_server, receiver):
    ana, admin = await asyncio.gather(Operator.create(shared_server, "ana@example.com"),
                                      Operator.create(shared_server, "root@example.com", role="admin"))
    r = await ana.get("/admin/webhooks")
    assert r.status_code == 403 and r.json()["message"] == "Only an admin can manage webhooks and deliveries."
    r = await admin.post("/admin/webhooks", {"url": "ftp://example.com/x", "events": ["message.created"]})
    assert r.status_code == 422 and "is not an http:// or https:// address" in r.json()["message"]
    r = await admin.post("/admin/webhooks", {"url": receiver.url, "events": ["message.deleted"]})
    assert r.status_code == 422 and "Unknown webhook event message.deleted" in r.json()["message"]
    made = await admin.ok("POST", "/admin/webhooks", {"url": receiver.url, "events": ["conversation.opened"]})
    hook = made["webhook"]
    assert made["secret"].startswith("whsec_") and hook["events"] == ["conversation.opened"]
    listed = (await admin.ok("GET", "/admin/webhooks"))["webhooks"]
    assert hook in listed and all("secret" not in h for h in listed)
    rotated = await admin.ok("POST", f"/admin/webhooks/{hook['id']}/rotate")
    assert rotated["secret"] != made["secret"] and rotated["webhook"]["rotating_until"]
    r = await admin.post(f"/admin/deliveries/{'0' * 36}/redeliver")
    assert r.status_code == 404 and r.json()["message"].startswith("There is no delivery")

    receiver.fail_next = 10 ** 6                  # a delivery still trying when its subscription goes
    visitor = await Visitor(shared_server).arrive()
    await visitor.start_chat("hello")
    await wait_for(lambda: receiver.received, timeout=30, what="a first failed attempt")
    assert (await admin.http.delete(f"/admin/webhooks/{hook['id']}")).status_code == 200
    r = await admin.http.delete(f"/admin/webhooks/{hook['id']}")
    assert r.status_code == 404

    async def dead_for_good() -> list[dict]:
        return [d for d in await deliveries(admin, "dead") if d["id"] == receiver.received[0].delivery]
    [dead] = await wait_for(dead_for_good, timeout=30, what="the orphaned delivery dead-lettered")
    assert dead["last_error"] == "The webhook subscription was removed."
    assert dead["target"] == f"(removed webhook {hook['id']})"
    r = await admin.post(f"/admin/deliveries/{dead['id']}/redeliver")     # nowhere to send it
    assert r.status_code == 409 and r.json()["message"] == (
        f"Delivery {dead['id']} was for webhook {hook['id']}, which was removed: there is nowhere to send it.")
    await asyncio.gather(ana.close(), admin.close(), visitor.close())
