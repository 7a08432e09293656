"""Openers over the real HTTP API and streams: supervisors manage rules; the server invites on a
page view (answer and `invite` frame); the visitor's reply starts a chat; a manual invite's chat
is the inviting operator's; an order on the thank-you page is credited to the chat; figures."""
from __future__ import annotations

from tests.support.api import Operator, new_id
from tests.support.stream import Stream, live_stream
from tests.support.visitor import Visitor

RULE = {"name": "Boots help", "conditions": {"url_pattern": "*/product/*"}, "control_percent": 0,
        "texts": {"en": "Hi {visitor.name}! Questions about {page.title}?", "de": "Hallo! Fragen zu {page.title}?"}}


async def test_supervisors_manage_rules_and_operators_may_not(server):
    sam = await Operator.create(server, "sam@example.com", role="supervisor")
    ana = await Operator.create(server, "ana@example.com")
    assert (await ana.post("/openers/rules", RULE)).status_code == 403
    first = await sam.ok("POST", "/openers/rules", RULE)
    second = await sam.ok("POST", "/openers/rules", {**RULE, "name": "Full cart",
                                                     "conditions": {"min_cart_value": 100}})
    assert (first["priority"], second["priority"], first["control_percent"]) == (1, 2, 0)
    paused = await sam.ok("PATCH", f"/openers/rules/{first['id']}", {"enabled": False})
    assert paused["enabled"] is False and paused["name"] == "Boots help"
    order = await sam.ok("PUT", "/openers/order", {"ids": [second["id"], first["id"]]})
    assert [(r["id"], r["priority"]) for r in order["rules"]] == [(second["id"], 1), (first["id"], 2)]
    for bad in ({**RULE, "control_percent": 101}, {**RULE, "texts": {}}, {**RULE, "department": "nowhere"},
                {**RULE, "conditions": {"min_visits": 3, "max_visits": 2}}):
        r = await sam.post("/openers/rules", bad)
        assert r.status_code in (404, 422) and r.json()["message"], (bad, r.text)
    r = await sam.http.put("/openers/order", json={"ids": [first["id"]]})
    assert r.status_code == 422 and "every rule" in r.json()["message"]


async def test_a_rule_invites_on_the_page_view_and_the_reply_starts_a_chat(server):
    sam = await Operator.create(server, "sam@example.com", role="supervisor")
    ana = await Operator.create(server, "ana@example.com")
    await ana.status("online")
    await sam.ok("POST", "/openers/rules", RULE)
    v = await Visitor(server).arrive(url="https://shop.test/", title="Home")
    stream = await Stream.open(server, visitor_token=v.token)
    await v.call("POST", "/visitor/heartbeat", {"language": "de-CH"})
    answer = await v.call("POST", "/visitor/pageviews", {"url": "https://shop.test/product/boots", "title": "Boots"})
    invite = answer["invite"]
    assert invite["body"] == "Hallo! Fragen zu Boots?" and invite["manual"] is False
    frame = await stream.next(lambda f: f["type"] == "invite")
    assert frame["invite"] == invite and "event_id" not in frame
    assert (await v.call("POST", "/visitor/heartbeat", {}))["invite"] == invite      # until answered
    await v.call("POST", f"/visitor/invites/{invite['id']}", {"action": "shown"})

    desk = await live_stream(server, ana.token)
    started = await v.call("POST", f"/visitor/invites/{invite['id']}/reply",
                           {"client_msg_id": new_id(), "body": "Do they run small?", "name": "Ola"})
    cid = started["conversation"]["id"]
    assert started["conversation"]["state"] == "queued" and started["message"]["body"] == "Do they run small?"
    queued = await desk.event("conversation.queued", cid)
    assert queued["data"]["visitor"]["name"] == "Ola"
    v.cid = cid
    assert [(m["author_type"], m["body"]) for m in await v.transcript()] == [
        ("system", "Hallo! Fragen zu Boots?"), ("visitor", "Do they run small?")]
    assert (await v.call("POST", "/visitor/heartbeat", {}))["invite"] is None          # chatting now
    again = await v.http.post(f"/visitor/invites/{invite['id']}", json={"action": "dismissed"})
    assert again.status_code == 409 and again.json()["message"]

    stats = await sam.ok("GET", "/openers/stats")
    (figures,) = stats["rules"]
    assert figures["qualified"] == 1 and figures["treatment"]["shown"] == 1 and figures["treatment"]["accepted"] == 1
    assert figures["control"]["visits"] == 0 and figures["uplift"] is None
    assert figures["verdict"] == "not enough data yet"


async def test_a_manual_invite_becomes_a_chat_of_the_inviting_operator_and_its_order_counts(server):
    ana = await Operator.create(server, "ana@example.com")
    bo = await Operator.create(server, "bo@example.com")
    await ana.status("online")
    await bo.status("away")
    v = await Visitor(server).arrive(url="https://shop.test/product/tent", title="Tent")
    stream = await Stream.open(server, visitor_token=v.token)
    away = await bo.post(f"/browsing/{v.id}/invite", {"body": "Hello!"})
    assert away.status_code == 409 and "away" in away.json()["message"]             # could not answer
    both = await ana.post(f"/browsing/{v.id}/invite", {"body": "Hi", "canned_id": 1})
    assert both.status_code == 422
    canned = (await ana.ok("GET", "/canned"))["canned"]
    page = next(c for c in canned if c["shortcut"] == "page")
    made = await ana.ok("POST", f"/browsing/{v.id}/invite", {"canned_id": page["id"]})
    assert made["group"] == "manual" and made["body"] == "I see you are looking at Tent."
    frame = await stream.next(lambda f: f["type"] == "invite")
    assert frame["invite"]["operator_name"] == "Ana" and frame["invite"]["manual"] is True
    twice = await ana.post(f"/browsing/{v.id}/invite", {"body": "Hello again"})
    assert twice.status_code == 409 and "invitation open" in twice.json()["message"]

    desk = await live_stream(server, ana.token)
    started = await v.call("POST", f"/visitor/invites/{made['id']}/reply",
                           {"client_msg_id": new_id(), "body": "Is it waterproof?"})
    cid = started["conversation"]["id"]
    assert started["conversation"]["state"] == "active" and started["conversation"]["operator_id"] == ana.id
    assigned = await desk.event("conversation.assigned", cid)
    assert assigned["data"]["conversation"]["operator_id"] == ana.id
    detail = (await ana.detail(cid)).json()
    assert [(m["author_type"], m["author_id"], m["body"]) for m in detail["messages"]] == [
        ("operator", ana.id, "I see you are looking at Tent."), ("visitor", None, "Is it waterproof?")]
    chatting = await ana.post(f"/browsing/{v.id}/invite", {"body": "x"})
    assert chatting.status_code == 409 and "already in a chat" in chatting.json()["message"]

    await ana.ok("POST", f"/conversations/{cid}/close", {"summary": "Tent", "tags": ["tents"]})
    first = await v.call("POST", "/visitor/events", {"type": "order", "id": "T-100", "value": 249.0, "currency": "EUR"})
    credited = await desk.event("order.attributed")
    assert credited["data"]["conversation_id"] == cid and credited["data"]["operator_id"] == ana.id
    assert credited["data"]["tags"] == ["tents"] and credited["data"]["order"]["value"] == 249.0
    reloaded = await v.call("POST", "/visitor/events", {"type": "order", "id": "T-100", "value": 249.0})
    assert reloaded["order"] == first["order"]                                         # counted once
    sam = await Operator.create(server, "sam@example.com", role="supervisor")
    report = await sam.ok("GET", "/reports/summary")
    (mine,) = [o for o in report["by_operator"] if o["operator_id"] == ana.id]
    assert (mine["orders"], mine["revenue"], mine["converted"], mine["conversion"]) == (1, 249.0, 1, 1.0)
