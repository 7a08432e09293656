"""Supervisors in live chats: board, monitor (watch), whisper, join, take over, reassign, caps."""
from __future__ import annotations

import asyncio
import time

from tests.support.api import operators
from tests.support.chats import active_chat
from tests.support.stream import Stream, live_stream
from tests.support.visitor import Visitor


async def test_board_shows_load_waits_queue_and_missed(shared_server):
    (lead,), (ana,) = await asyncio.gather(operators(shared_server, "lead", role="supervisor"),
                                           operators(shared_server, "ana", max_chats=3))
    v1, c1 = await active_chat(shared_server, ana, "first chat", name="Olga")
    v2, c2 = await active_chat(shared_server, ana, "second chat", name="Piet")
    await ana.say(c2, "Hi Piet")                    # answered: Piet no longer waits
    await v1.say("still there?")
    queued = await (await Visitor(shared_server).arrive()).start_chat("in the queue")
    gone = await Visitor(shared_server).arrive()
    missed = await gone.start_chat("nobody came")
    await gone.ok("POST", f"/visitor/conversations/{missed}/close")

    board = await lead.ok("GET", "/board")
    row = next(o for o in board["operators"] if o["id"] == ana.id)
    assert row["active_chats"] == 2 and row["max_chats"] == 3 and row["status"] == "online"
    assert row["first_responses"] == 1 and row["first_response_median"] >= 0
    assert row["longest_wait"]["conversation_id"] == c1 and row["longest_wait"]["visitor_name"] == "Olga"
    first_msg = (await lead.detail(c1)).json()["messages"][0]
    assert row["longest_wait"]["waiting_since"] == first_msg["ts"]       # waiting since the first one
    entry = next(e for e in board["queue"] if e["conversation"]["id"] == queued)
    assert entry["wait_seconds"] >= 0 and entry["first_message"] == "in the queue"
    assert missed in [c["id"] for c in board["missed"]] and board["missed_today"] >= 1
    assert board["since"] <= time.time() and board["generated_at"] >= board["since"]
    await ana.say(c1, "Yes, here")
    row = next(o for o in (await lead.ok("GET", "/board"))["operators"] if o["id"] == ana.id)
    assert row["longest_wait"] is None and row["first_responses"] == 2


async def test_monitor_follows_live_and_the_operator_sees_the_watchers(shared_server):
    (lead,), (ana,) = await asyncio.gather(operators(shared_server, "lead", role="supervisor"), operators(shared_server, "ana"))
    v, cid = await active_chat(shared_server, ana)
    ana_desk = await live_stream(shared_server, ana.token)
    lead_desk = await live_stream(shared_server, lead.token)
    presence = await lead.ok("POST", f"/conversations/{cid}/watch")
    assert presence["watchers"] == [{"id": lead.id, "name": lead.name}]
    ev = await ana_desk.event("conversation.watchers", cid)
    assert ev["data"]["watchers"] == [{"id": lead.id, "name": lead.name}]
    assert (await ana.detail(cid)).json()["watchers"] == [{"id": lead.id, "name": lead.name}]
    # the monitor follows the chat as it happens
    await v.say("my order is late")
    await lead_desk.next(lambda f: f.get("data", {}).get("body") == "my order is late")
    await ana.say(cid, "Let me look")
    await lead_desk.next(lambda f: f.get("data", {}).get("body") == "Let me look")
    # watching twice changes nothing; unwatch tells the operator
    await lead.ok("POST", f"/conversations/{cid}/watch")
    assert (await lead.ok("POST", f"/conversations/{cid}/unwatch"))["watchers"] == []
    ev = await ana_desk.next(lambda f: f["type"] == "conversation.watchers" and not f["data"]["watchers"])
    watcher_events = [f for f in ana_desk.events() if f["type"] == "conversation.watchers"]
    assert len(watcher_events) == 2
    # the visitor never hears about monitoring
    vs = await Stream.open(shared_server, visitor_token=v.token, after=0)
    assert "conversation.watchers" not in str(vs.frames)


async def test_whisper_reaches_the_operator_never_the_visitor(shared_server):
    (lead,), (ana,) = await asyncio.gather(operators(shared_server, "lead", role="trainer"), operators(shared_server, "ana"))
    v = await Visitor(shared_server).arrive()
    cid = await v.start_chat()
    r = await lead.post(f"/conversations/{cid}/messages", {"client_msg_id": "w0", "body": "psst", "kind": "whisper"})
    assert r.status_code == 409 and r.json()["error"] == "not_accepted"        # nobody to whisper to yet
    await ana.accept(cid)
    vstream = await Stream.open(shared_server, visitor_token=v.token)
    desk = await live_stream(shared_server, ana.token)
    await lead.say(cid, "offer free shipping", kind="whisper")
    ev = await desk.next(lambda f: f["type"] == "message.created" and f["data"]["kind"] == "whisper")
    assert ev["data"]["body"] == "offer free shipping" and ev["data"]["author_id"] == lead.id
    await ana.say(cid, "visible marker")
    await vstream.next(lambda f: f.get("data", {}).get("body") == "visible marker")
    assert "free shipping" not in str(vstream.frames)
    assert "free shipping" not in str(await v.ok("GET", f"/visitor/conversations/{cid}"))
    replay = await Stream.open(shared_server, visitor_token=v.token, after=0)
    assert "free shipping" not in str(replay.frames)


async def test_join_take_over_and_reassign(shared_server):
    (lead,), (ana, ben) = await asyncio.gather(operators(shared_server, "lead", role="supervisor"),
                                               operators(shared_server, "ana", "ben", max_chats=1))
    v, cid = await active_chat(shared_server, ana)
    ana_desk = await live_stream(shared_server, ana.token)
    vstream = await Stream.open(shared_server, visitor_token=v.token)
    presence = await lead.ok("POST", f"/conversations/{cid}/join")
    assert presence["joined"] == [{"id": lead.id, "name": lead.name}]
    ev = await ana_desk.event("conversation.joined", cid)
    assert ev["data"]["joined"] == [{"id": lead.id, "name": lead.name}]
    assert (await lead.ok("POST", f"/conversations/{cid}/join"))["joined"] == presence["joined"]  # idempotent
    await lead.say(cid, "Hello, I am the supervisor")
    await vstream.next(lambda f: f.get("data", {}).get("body") == "Hello, I am the supervisor")
    seen = [f["data"].get("body") for f in vstream.events() if f["type"] == "message.created"]
    assert f"{lead.name} joined the chat." in seen                 # the visitor learns of the join...
    assert all(f["type"] != "conversation.joined" for f in vstream.frames)   # ...not who is staff
    assert (await ana.detail(cid)).json()["joined"] == presence["joined"]

    # reassign to ben (cap 1, free) works; a second chat for ben hits his cap with a sentence
    moved = await lead.ok("POST", f"/conversations/{cid}/reassign", {"operator_id": ben.id, "note": "ben knows"})
    assert moved["operator_id"] == ben.id
    ev = await ana_desk.event("conversation.transferred", cid)
    assert ev["data"]["reason"] == "reassigned" and ev["data"]["from_operator_id"] == ana.id
    _, other = await active_chat(shared_server, ana)
    r = await lead.post(f"/conversations/{other}/reassign", {"operator_id": ben.id})
    assert r.status_code == 409 and r.json()["error"] == "cap_reached" and "limit is 1" in r.json()["message"]
    r = await lead.post(f"/conversations/{cid}/reassign", {"operator_id": ben.id})
    assert r.status_code == 409 and r.json()["error"] == "same_operator"

    # not while on the phone (on chat or on the phone, never both) ...
    await lead.status("on_phone")
    r = await lead.post(f"/conversations/{cid}/takeover")
    assert r.status_code == 409 and r.json()["error"] == "on_phone" and r.json()["message"].endswith("a chat.")
    assert (await ben.detail(cid)).json()["conversation"]["operator_id"] == ben.id
    await lead.status("away")              # ... but away does not stop a supervisor stepping in
    # take over: the chat moves to the supervisor, ben gets the transfer event
    ben_desk = await live_stream(shared_server, ben.token)
    taken = await lead.ok("POST", f"/conversations/{cid}/takeover")
    assert taken["operator_id"] == lead.id and taken["state"] == "active"
    ev = await ben_desk.event("conversation.transferred", cid)
    assert ev["data"]["reason"] == "takeover" and ev["data"]["by"]["id"] == lead.id
    assert (await ben.detail(cid)).status_code == 403
    r = await lead.post(f"/conversations/{cid}/takeover")
    assert r.status_code == 409 and r.json()["error"] == "same_operator"
    await ana.ok("POST", f"/conversations/{other}/close", {})
    r = await lead.post(f"/conversations/{other}/takeover")
    assert r.status_code == 409 and r.json()["error"] == "conversation_closed"


async def test_lowering_a_cap_below_the_load_keeps_the_chats_and_refuses_new_ones(shared_server):
    (trainer,), (nov,) = await asyncio.gather(operators(shared_server, "tina", role="trainer"),
                                              operators(shared_server, "nov", max_chats=4))
    chats = [(await active_chat(shared_server, nov))[1] for _ in range(3)]
    desk = await live_stream(shared_server, nov.token)
    patched = await trainer.ok("PATCH", f"/operators/{nov.id}", {"max_chats": 2, "novice": True})
    assert patched["max_chats"] == 2 and patched["novice"] is True and patched["active_chats"] == 3
    ev = await desk.event("operator.updated")
    assert ev["data"]["operator"]["id"] == nov.id and ev["data"]["operator"]["max_chats"] == 2
    mine = [c["id"] for c in (await nov.ok("GET", "/conversations"))["conversations"]]
    assert sorted(mine) == sorted(chats)                                     # kept all three
    new = await (await Visitor(shared_server).arrive()).start_chat()
    for held in (3, 2):
        r = await nov.accept(new)
        assert r.status_code == 409 and r.json()["message"] == f"You already hold {held} chats, your limit is 2."
        await nov.ok("POST", f"/conversations/{chats.pop()}/close", {})
    assert (await nov.accept(new)).status_code == 200                         # 1 held, under the cap
