"""The queue as an operator reads it (oldest first, honest wait times) and the status rule: an
operator is on chat or on the phone, never both."""
from __future__ import annotations

import time

from tests.support.api import Operator, operators
from tests.support.stream import Stream
from tests.support.visitor import Visitor


async def test_queue_is_oldest_first_with_the_wait_the_server_measured(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com")
    opened: list[tuple[int, float, float]] = []           # (id, before the request, after it)
    for n in range(3):
        v = await Visitor(shared_server).arrive()
        before = time.time()
        cid = await v.start_chat(f"waiting in turn {n}")
        opened.append((cid, before, time.time()))
    asked = time.time()
    entries = (await ana.ok("GET", "/queue"))["queue"]
    answered = time.time()

    # The whole queue (older tests leave chats waiting here too) is oldest first...
    queued_at = [e["conversation"]["queued_at"] for e in entries]
    assert queued_at == sorted(queued_at)
    mine = [e for e in entries if e["conversation"]["id"] in {cid for cid, _, _ in opened}]
    assert [e["conversation"]["id"] for e in mine] == [cid for cid, _, _ in opened]
    # ...and the waits fall in the same order: the first visitor has waited longest.
    waits = [e["wait_seconds"] for e in mine]
    assert waits[0] > waits[1] > waits[2] > 0
    for e, (_cid, before, after) in zip(mine, opened, strict=True):
        # queued at some moment in [before, after], read at some moment in [asked, answered]
        assert asked - after <= e["wait_seconds"] <= answered - before
        read_at = e["conversation"]["queued_at"] + e["wait_seconds"]          # one clock reading for all
        assert abs(read_at - (mine[0]["conversation"]["queued_at"] + mine[0]["wait_seconds"])) < 1e-6
        assert e["first_message"].startswith("waiting in turn")
    for cid, _, _ in opened:                               # leave the queue as we found it
        assert (await ana.accept(cid)).status_code == 200
        await ana.ok("POST", f"/conversations/{cid}/close", {})


async def test_on_the_phone_is_refused_while_holding_chats_and_away_is_not(shared_server):
    ana, lead = await operators(shared_server, "ana", "lead")
    cids = [await (await Visitor(shared_server).arrive()).start_chat(f"phone test {n}") for n in range(2)]
    for cid in cids:
        assert (await ana.accept(cid)).status_code == 200
    desk = await Stream.open(shared_server, token=lead.token)

    r = await ana.http.put("/me/status", json={"status": "on_phone"})
    assert r.status_code == 409
    assert r.json() == {"error": "holding_chats",
                        "message": "You still hold 2 chats: transfer or close them before going on the phone."}
    me = await ana.ok("GET", "/me")
    assert me["status"] == "online" and me["active_chats"] == 2

    # Away only stops routing: allowed with chats held. On the phone from away is still refused.
    assert (await ana.status("away"))["status"] == "away"
    status_event = await desk.next(lambda f: f["type"] == "operator.status"
                                   and f["data"]["operator"]["id"] == ana.id)
    assert status_event["data"]["operator"]["status"] == "away"
    r = await ana.http.put("/me/status", json={"status": "on_phone"})
    assert r.status_code == 409 and "2 chats" in r.json()["message"]

    await ana.ok("POST", f"/conversations/{cids[0]}/close", {})
    r = await ana.http.put("/me/status", json={"status": "on_phone"})
    assert r.json()["message"] == "You still hold 1 chat: transfer or close them before going on the phone."
    await ana.ok("POST", f"/conversations/{cids[1]}/transfer", {"operator_id": lead.id, "note": "I have a call"})
    assert (await ana.status("on_phone"))["status"] == "on_phone"     # nothing held: the phone is fine
    # No refused attempt left a trace: the only status events are away, then on the phone.
    phone_event = await desk.next(lambda f: f["type"] == "operator.status"
                                  and f["data"]["operator"]["id"] == ana.id)
    assert phone_event["data"]["operator"]["status"] == "on_phone"
    await lead.ok("POST", f"/conversations/{cids[1]}/close", {})
