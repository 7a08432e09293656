"""Accepting, caps, races, transfers and auto-assign (least loaded, sticky, requeue)."""
from __future__ import annotations

import asyncio

from tests.support.api import Operator, operators
from tests.support.stream import Stream
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for


async def test_two_operators_racing_to_accept_exactly_one_wins(shared_server):
    ana, ben = await operators(shared_server, "ana", "ben", max_chats=50)
    desk = await Stream.open(shared_server, token=ana.token)
    for round_ in range(25):
        visitor = await Visitor(shared_server).arrive()
        cid = await visitor.start_chat(f"race {round_}")
        a, b = await asyncio.gather(ana.accept(cid), ben.accept(cid))
        assert sorted([a.status_code, b.status_code]) == [200, 409], (a.text, b.text)
        loser = a if a.status_code == 409 else b
        assert loser.json()["error"] == "already_taken" and loser.json()["message"].endswith(".")
        winner = ana if a.status_code == 200 else ben
        conv = (await winner.detail(cid)).json()
        assert conv["conversation"]["operator_id"] == winner.id
        assert [e["type"] for e in conv["events"]].count("conversation.assigned") == 1
    assigned = [f for f in desk.live_events() if f["type"] == "conversation.assigned"]
    while len(assigned) < 25:
        assigned.append(await desk.event("conversation.assigned"))
    assert len({f["conversation_id"] for f in assigned}) == 25


async def test_accept_beyond_cap_is_409_with_a_sentence_and_nothing_changes(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com", max_chats=2)
    visitors = [await Visitor(shared_server).arrive() for _ in range(3)]
    cids = [await v.start_chat() for v in visitors]
    for cid in cids[:2]:
        assert (await ana.accept(cid)).status_code == 200
    before = (await ana.detail(cids[2])).json()
    r = await ana.accept(cids[2])
    assert r.status_code == 409
    assert r.json() == {"error": "cap_reached", "message": "You already hold 2 chats, your limit is 2."}
    after = (await ana.detail(cids[2])).json()
    assert after == before and after["conversation"]["state"] == "queued"
    assert (await ana.ok("GET", "/me"))["active_chats"] == 2
    assert cids[2] in await ana.queue_ids()


async def test_concurrent_accepts_by_one_operator_respect_the_cap(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com", max_chats=3)
    cids = [await (await Visitor(shared_server).arrive()).start_chat() for _ in range(8)]
    results = await asyncio.gather(*(ana.accept(c) for c in cids))
    assert sorted(r.status_code for r in results) == [200] * 3 + [409] * 5
    assert (await ana.ok("GET", "/me"))["active_chats"] == 3


async def test_away_operator_cannot_accept_and_only_staff_change_caps(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com", max_chats=4)
    trainer = await Operator.create(shared_server, "tom@example.com", role="trainer")
    cid = await (await Visitor(shared_server).arrive()).start_chat()
    await ana.status("away")
    r = await ana.accept(cid)
    assert r.status_code == 409 and "away" in r.json()["message"]
    r = await ana.http.patch(f"/operators/{ana.id}", json={"max_chats": 9})
    assert r.status_code == 403 and r.json()["error"] == "forbidden"
    desk = await Stream.open(shared_server, token=ana.token)
    patched = await trainer.ok("PATCH", f"/operators/{ana.id}", {"max_chats": 1, "novice": True})
    assert patched["max_chats"] == 1 and patched["novice"] is True
    event = await desk.event("operator.updated")
    assert event["data"]["operator"]["max_chats"] == 1
    await ana.status("online")
    assert (await ana.accept(cid)).status_code == 200
    cid2 = await (await Visitor(shared_server).arrive()).start_chat()
    assert (await ana.accept(cid2)).json()["message"] == "You already hold 1 chat, your limit is 1."


async def test_transfer_to_operator_respects_cap_and_moves_visibility(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com")
    ben = await Operator.create(shared_server, "ben@example.com", max_chats=1)
    cid = await (await Visitor(shared_server).arrive()).start_chat()
    other = await (await Visitor(shared_server).arrive()).start_chat()
    await ana.accept(cid)
    await ben.accept(other)
    r = await ana.post(f"/conversations/{cid}/transfer", {"operator_id": ben.id, "note": "billing question"})
    assert r.status_code == 409 and r.json()["error"] == "cap_reached"
    await ben.ok("POST", f"/conversations/{other}/close", {"summary": "done"})
    ben_desk = await Stream.open(shared_server, token=ben.token)
    moved = await ana.ok("POST", f"/conversations/{cid}/transfer", {"operator_id": ben.id, "note": "billing question"})
    assert moved["operator_id"] == ben.id
    event = await ben_desk.event("conversation.transferred", cid)
    assert event["data"]["note"] == "billing question" and event["data"]["from_operator_id"] == ana.id
    assert (await ana.detail(cid)).status_code == 403
    assert (await ben.detail(cid)).status_code == 200


async def test_auto_assign_is_least_loaded_and_sticky_to_the_last_operator(server_factory):
    srv = server_factory("--auto-assign", "--requeue-after", "600")
    ana, ben = await operators(srv, "ana", "ben")

    async def routed(v: Visitor) -> int:
        async def check():
            c = (await ana.ok("GET", "/conversations?state=active"))["conversations"] + \
                (await ben.ok("GET", "/conversations?state=active"))["conversations"]
            return next((x["operator_id"] for x in c if x["id"] == v.cid), None)
        return await wait_for(check, "the chat to be routed")

    first = await Visitor(srv).arrive()
    await first.start_chat()
    owner = await routed(first)
    second = await Visitor(srv).arrive()
    await second.start_chat()
    assert await routed(second) != owner            # least loaded gets the next one
    holder = ana if owner == ana.id else ben
    await holder.ok("POST", f"/conversations/{first.cid}/close", {})
    # Load the owner up so that plain least-loaded would choose the other operator...
    extra = await Visitor(srv).arrive()
    await extra.start_chat()
    assert await routed(extra) == owner
    # ...yet the returning visitor goes back to their last operator.
    back = await Visitor(srv).arrive(visitor_id=first.id)
    assert back.id == first.id
    await back.start_chat("Me again")
    assert await routed(back) == owner
    detail = (await holder.detail(back.cid)).json()
    assert detail["conversation"]["auto_assigned"] is True and detail["visitor"]["last_operator_id"] == owner


async def test_sticky_falls_back_when_the_last_operator_is_away(server_factory):
    srv = server_factory("--auto-assign")
    ana, ben = await operators(srv, "ana", "ben")
    await ben.status("away")
    v = await Visitor(srv).arrive()
    await v.start_chat()
    await wait_for(lambda: _operator_of(ana, v.cid, ana.id), "routing to ana")
    await ana.ok("POST", f"/conversations/{v.cid}/close", {})
    await ben.status("online")
    await ana.status("on_phone")
    await v.start_chat("back again")
    await wait_for(lambda: _operator_of(ben, v.cid, ben.id), "routing to ben while ana is on the phone")


async def _operator_of(op: Operator, cid: int, expected: int) -> bool:
    r = await op.detail(cid)
    return r.status_code == 200 and r.json()["conversation"]["operator_id"] == expected


async def test_unanswered_auto_assigned_chat_returns_to_the_queue(server_factory):
    srv = server_factory("--auto-assign", "--requeue-after", "1.5")
    ana, ben = await operators(srv, "ana", "ben")
    await ben.status("away")
    ana_desk, ben_desk = await Stream.open(srv, token=ana.token), await Stream.open(srv, token=ben.token)
    v = await Visitor(srv).arrive()
    cid = await v.start_chat()
    await ana_desk.event("conversation.assigned", cid)
    requeued = await ana_desk.event("conversation.requeued", cid)
    assert requeued["data"]["from_operator_id"] == ana.id
    assert requeued["data"]["conversation"]["state"] == "queued"
    assert (await ana.detail(cid)).json()["conversation"]["state"] == "queued"   # not straight back to ana
    # The next operator to come online gets it, and answers in time.
    await ben.status("online")
    await ben_desk.next(lambda f: f["type"] == "conversation.assigned" and f["conversation_id"] == cid
                        and f["data"]["conversation"]["operator_id"] == ben.id)
    await ben.say(cid, "Sorry for the wait!")
    # An answered chat stays. A later unanswered one lapsing is the clock that proves time passed.
    later = await Visitor(srv).arrive()
    await later.start_chat()
    await ben_desk.event("conversation.requeued", later.cid)
    assert (await ben.detail(cid)).json()["conversation"]["operator_id"] == ben.id


async def test_transfer_to_a_department_puts_the_chat_back_in_the_queue(shared_server):
    ana, ben = await operators(shared_server, "ana", "ben")
    cid = await (await Visitor(shared_server).arrive()).start_chat()
    await ana.accept(cid)
    ben_desk = await Stream.open(shared_server, token=ben.token)
    moved = await ana.ok("POST", f"/conversations/{cid}/transfer", {"department": "sales", "note": "wants a quote"})
    assert moved["state"] == "queued" and moved["department"] == "sales" and moved["operator_id"] is None
    event = await ben_desk.event("conversation.transferred", cid)
    assert event["data"]["from_operator_id"] == ana.id and event["data"]["note"] == "wants a quote"
    assert cid in await ben.queue_ids()
    assert (await ben.accept(cid)).status_code == 200
