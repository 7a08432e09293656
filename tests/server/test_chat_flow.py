"""A visitor starts a chat, it is queued, an operator accepts, messages go both ways in order."""
from __future__ import annotations

import asyncio

from tests.support.api import Operator, new_id, operators
from tests.support.stream import Stream
from tests.support.visitor import Visitor


async def test_queue_accept_and_messages_both_ways_in_order(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com", name="Ana")
    desk = await Stream.open(shared_server, token=ana.token)
    visitor = await Visitor(shared_server).arrive(url="https://shop.example/boots", title="Boots")
    cid = await visitor.start_chat("Do you ship to Norway?", name="Kari")

    queued = await desk.event("conversation.queued", cid)
    assert queued["data"]["visitor"]["current_title"] == "Boots"
    first = await desk.event("message.created", cid)
    assert first["data"]["body"] == "Do you ship to Norway?" and first["data"]["author_name"] == "Kari"
    queue = (await ana.ok("GET", "/queue"))["queue"]
    mine = [e for e in queue if e["conversation"]["id"] == cid]
    assert mine[0]["first_message"] == "Do you ship to Norway?" and mine[0]["visitor"]["name"] == "Kari"

    assert (await ana.accept(cid)).status_code == 200
    assigned = await desk.event("conversation.assigned", cid)
    assert assigned["data"]["conversation"]["operator_id"] == ana.id
    assert cid not in await ana.queue_ids()

    vstream = await Stream.open(shared_server, visitor_token=visitor.token)
    lines = [("op", "Yes, we do."), ("v", "How long does it take?"), ("op", "About five days."),
             ("v", "Great, thanks!"), ("op", "You're welcome.")]
    for who, text in lines:
        await (ana.say(cid, text) if who == "op" else visitor.say(text))

    got_op = [(await desk.event("message.created", cid))["data"]["body"] for _ in lines]
    assert got_op == [t for _, t in lines]
    replayed = [f["data"]["body"] for f in vstream.events() if f["type"] == "message.created"]
    while len(replayed) < len(lines) + 1:
        replayed.append((await vstream.event("message.created", cid))["data"]["body"])
    assert replayed == ["Do you ship to Norway?"] + [t for _, t in lines]

    detail = (await ana.detail(cid)).json()
    seqs = [m["seq"] for m in detail["messages"]]
    assert seqs == sorted(seqs) and [m["body"] for m in detail["messages"]][1:] == [t for _, t in lines]
    assert [e["seq"] for e in detail["events"]] == list(range(1, detail["conversation"]["last_seq"] + 1))
    conv = detail["conversation"]
    assert conv["state"] == "active" and conv["accepted_at"] and conv["first_response_at"]


async def test_same_client_msg_id_twice_gives_one_message_and_one_event(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com")
    visitor = await Visitor(shared_server).arrive()
    cid = await visitor.start_chat()
    await ana.accept(cid)
    desk = await Stream.open(shared_server, token=ana.token)
    cmid = new_id()
    first = await ana.say(cid, "Hello there", client_msg_id=cmid)
    again = await ana.say(cid, "Hello there", client_msg_id=cmid)
    assert first == again
    v_first = await visitor.say("Hi", client_msg_id="visitor-1")
    v_again = await visitor.say("Hi", client_msg_id="visitor-1")
    assert v_first == v_again
    await ana.say(cid, "marker")
    await desk.next(lambda f: f.get("data", {}).get("body") == "marker")
    created = [f for f in desk.live_events() if f["type"] == "message.created"]
    assert [f["client_msg_id"] for f in created] == [cmid, "visitor-1", created[-1]["client_msg_id"]]
    assert len((await ana.detail(cid)).json()["messages"]) == 4


async def test_visitor_start_is_idempotent_too(shared_server):
    visitor = await Visitor(shared_server).arrive()
    body = {"client_msg_id": "start-1", "body": "Hello"}
    a = await visitor.ok("POST", "/visitor/conversations", body)
    b = await visitor.ok("POST", "/visitor/conversations", body)
    assert a == b
    conv = await visitor.ok("GET", f"/visitor/conversations/{a['conversation']['id']}")
    assert [m["body"] for m in conv["messages"]] == ["Hello"]


async def test_internal_notes_never_reach_the_visitor(shared_server):
    (lead,), (ana,) = await asyncio.gather(operators(shared_server, "lead", role="supervisor"), operators(shared_server, "ana"))
    visitor = await Visitor(shared_server).arrive()
    cid = await visitor.start_chat()
    vstream = await Stream.open(shared_server, visitor_token=visitor.token)
    await ana.say(cid, "queued note: VIP customer", kind="note")
    await ana.accept(cid)
    await ana.say(cid, "secret: refund approved up to 50", kind="note")
    await lead.say(cid, "whisper: offer the discount", kind="whisper")
    await ana.ok("POST", f"/conversations/{cid}/transfer", {"operator_id": lead.id, "note": "hand-off: angry"})
    await lead.say(cid, "visible marker")
    await vstream.next(lambda f: f.get("data", {}).get("body") == "visible marker")

    text = str(vstream.frames)
    for secret in ("VIP", "refund", "discount", "hand-off"):
        assert secret not in text
    assert {f["data"]["kind"] for f in vstream.events() if f["type"] == "message.created"} == {"text"}
    # The visitor's REST view agrees, and a fresh replay from 0 too.
    conv = await visitor.ok("GET", f"/visitor/conversations/{cid}")
    assert "refund" not in str(conv) and "discount" not in str(conv) and "hand-off" not in str(conv)
    replay = await Stream.open(shared_server, visitor_token=visitor.token, after=0)
    assert "refund" not in str(replay.frames) and "hand-off" not in str(replay.frames)
    assert any(f.get("data", {}).get("body") == "visible marker" for f in replay.frames)
    # The operator side keeps the notes.
    kinds = [m["kind"] for m in (await lead.detail(cid)).json()["messages"]]
    assert kinds.count("note") == 2 and kinds.count("whisper") == 1


async def test_close_stores_summary_tags_and_follow_up(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com")
    visitor = await Visitor(shared_server).arrive()
    cid = await visitor.start_chat()
    await ana.accept(cid)
    await ana.say(cid, "Hi!")
    closed = await ana.ok("POST", f"/conversations/{cid}/close",
                          {"summary": "Asked about shipping", "tags": ["shipping", "norway"],
                           "follow_up": "Send a quote"})
    assert closed["state"] == "closed" and closed["closed_at"] and closed["tags"] == ["shipping", "norway"]
    assert closed["summary"] == "Asked about shipping" and closed["follow_up"] == "Send a quote"
    r = await visitor.post(f"/visitor/conversations/{cid}/messages", {"client_msg_id": new_id(), "body": "x"})
    assert r.status_code == 409 and r.json()["error"] == "conversation_closed"
    past = (await ana.ok("GET", f"/visitors/{visitor.id}"))["past_conversations"]
    assert past[0]["summary"] == "Asked about shipping" and past[0]["tags"] == ["shipping", "norway"]


async def test_operator_wraps_up_after_the_visitor_left(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com")
    visitor = await Visitor(shared_server).arrive()
    cid = await visitor.start_chat()
    await ana.accept(cid)
    desk = await Stream.open(shared_server, token=ana.token)
    left = await visitor.ok("POST", f"/visitor/conversations/{cid}/close")
    assert left["state"] == "closed"
    assert (await desk.event("conversation.closed", cid))["data"]["by_visitor"] is True
    wrapped = await ana.ok("POST", f"/conversations/{cid}/close", {"summary": "Left early", "tags": ["lost"]})
    assert wrapped["state"] == "closed" and wrapped["summary"] == "Left early"
    assert (await desk.event("conversation.updated", cid))["data"]["conversation"]["tags"] == ["lost"]
