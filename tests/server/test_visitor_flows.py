"""The visitor's flows over the real API: the session answer (pre-chat, rating, availability, the
returning visitor's operator, the stream's position), chats refused outside opening hours, and the
honest queue (position, estimate, busy, the offer) over REST and live on the visitor stream."""
from __future__ import annotations

from datetime import UTC, datetime

from tests.support.api import Operator, new_id
from tests.support.flows import closed_today, flows_file, tomorrow_local
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

PRECHAT = '''
[prechat]
name = "required"
email = "optional"
departments = ["Sales", "Support"]
consent_text = "We keep chats for 90 days."
privacy_url = "https://shop.example/privacy"

[rating]
scale = "thumbs"
'''


async def test_session_answer_carries_the_shops_prechat_and_rating(server_factory, tmp_path):
    srv = server_factory("--flows-config", str(flows_file(tmp_path, PRECHAT)))
    v = await Visitor(srv).arrive()
    s = v.session
    assert s["prechat"] == {"name": "required", "email": "optional", "departments": ["Sales", "Support"],
                            "consent": {"text": "We keep chats for 90 days.",
                                        "privacy_url": "https://shop.example/privacy"}}
    assert s["rating"] == {"scale": "thumbs"}
    # nobody is online: open (no hours set) but not accepting, so the widget offers the form
    assert s["availability"] == {"open": True, "online": False, "busy": False, "opens_at": None,
                                 "opens_at_local": "", "opens_day": "", "accepting": False, "recheck_s": 30}
    await Operator.create(srv, "ana@example.com")
    assert (await v.ok("GET", "/visitor/availability"))["accepting"] is True
    await v.close()


async def test_without_a_flows_file_nothing_is_asked_and_chat_is_open(shared_server):
    v = await Visitor(shared_server).arrive()
    assert v.session["prechat"] == {"name": "hidden", "email": "hidden", "departments": [], "consent": None}
    assert v.session["rating"] == {"scale": "five"} and v.session["availability"]["open"] is True
    await v.close()


async def test_a_chat_outside_opening_hours_is_refused_with_when_it_opens(server_factory, tmp_path):
    srv = server_factory("--flows-config", str(flows_file(tmp_path, closed_today())))
    await Operator.create(srv, "ana@example.com")          # online: the hours alone decide
    v = await Visitor(srv).arrive()
    a = v.session["availability"]
    opens = tomorrow_local()
    assert (a["open"], a["online"], a["accepting"]) == (False, True, False)
    assert (a["opens_day"], a["opens_at_local"]) == ("tomorrow", "08:00")
    assert datetime.fromisoformat(a["opens_at"]) == opens.astimezone(UTC)
    r = await v.post("/visitor/conversations", {"client_msg_id": new_id(), "body": "Anyone?"})
    assert r.status_code == 409
    assert r.json() == {"error": "closed", "message": "Chat is closed outside opening hours; leave a message "
                                                      "instead. Chat opens again tomorrow at 08:00."}
    ana = await Operator.create(srv, "bo@example.com")
    assert await ana.queue_ids() == []                      # nothing became a chat to be missed
    await v.close()


async def test_the_availability_route_checks_its_department_name(shared_server):
    v = await Visitor(shared_server).arrive()
    r = await v.get("/visitor/availability", params={"department": "x" * 500})
    assert r.status_code == 422 and "message" in r.json()
    await v.close()


QUEUE = '''
[queue]
max_length = 2
max_queued = 3
assumed_chat_s = 240
busy_message = {en = "All of us are helping other shoppers.", pl = "Wszyscy pomagamy innym."}
'''


async def test_queue_position_estimate_and_offer_move_live(server_factory, tmp_path):
    srv = server_factory("--flows-config", str(flows_file(tmp_path, QUEUE)))
    ana = await Operator.create(srv, "ana@example.com", max_chats=1)
    first = await Visitor(srv).arrive()
    held = await first.start_chat("I am being helped")
    assert (await ana.accept(held)).status_code == 200     # ana is at her cap of 1
    waiting = [await Visitor(srv).arrive() for _ in range(3)]
    cids = [await v.start_chat(f"waiting {n}") for n, v in enumerate(waiting)]
    assert waiting[0].session["texts"]["queue.busy"] == "All of us are helping other shoppers."
    # three waiting is max_queued: a new visitor is offered the offline form, not a fourth place
    late = (await Visitor(srv).arrive()).session["availability"]
    assert (late["open"], late["online"], late["busy"], late["accepting"]) == (True, True, True, False)

    standings = [await v.ok("GET", f"/visitor/conversations/{cid}/queue") for v, cid in zip(waiting, cids, strict=True)]
    # one slot (ana's cap), no measured chats yet: each place waits one more assumed 240 s chat
    assert [(s["position"], s["ahead"], s["estimate_min_s"], s["estimate_max_s"]) for s in standings] == \
        [(1, 0, 240, 240), (2, 1, 480, 480), (3, 2, 720, 720)]
    assert all(s["busy"] for s in standings)
    assert [s["offer_message"] for s in standings] == [False, False, True]     # past max_length 2

    last = waiting[2]
    await last.open_stream()
    def queue_frames():
        return [f for f in last.frames if f.get("type") == "queue"]
    on_connect = await wait_for(queue_frames, "the queue frame sent when the stream connects")
    assert on_connect[-1]["position"] == 3 and on_connect[-1]["conversation_id"] == cids[2]

    # ana finishes her chat and takes the next one: the queue moves and the frame says so
    await ana.ok("POST", f"/conversations/{held}/close", {})
    assert (await ana.accept(cids[0])).status_code == 200
    moved = await wait_for(lambda: [f for f in queue_frames() if f["position"] == 2], "position 2 on the stream")
    assert moved[-1]["ahead"] == 1 and moved[-1]["offer_message"] is False
    # one chat measured is not enough to trust: still the assumed length
    assert moved[-1]["estimate_min_s"] == 480
    assert (await waiting[0].ok("GET", f"/visitor/conversations/{cids[0]}/queue"))["position"] is None
    for v in (first, *waiting):
        await v.close()


async def test_the_estimate_uses_the_real_lengths_of_recent_chats(server_factory, tmp_path):
    srv = server_factory("--flows-config", str(flows_file(tmp_path, QUEUE)))
    ana = await Operator.create(srv, "ana@example.com", max_chats=1)
    for n in range(3):                                       # three quick chats, answered and closed
        v = await Visitor(srv).arrive()
        cid = await v.start_chat(f"quick {n}")
        assert (await ana.accept(cid)).status_code == 200
        await ana.ok("POST", f"/conversations/{cid}/close", {})
        await v.close()
    v = await Visitor(srv).arrive()
    cid = await v.start_chat("how long?")
    s = await v.ok("GET", f"/visitor/conversations/{cid}/queue")
    assert s["position"] == 1 and s["busy"] is False
    assert s["estimate_max_s"] < 60 < 240           # measured seconds, not the assumed four minutes
    await v.close()


async def test_queue_of_someone_elses_chat_is_not_found(shared_server):
    owner, other = await Visitor(shared_server).arrive(), await Visitor(shared_server).arrive()
    cid = await owner.start_chat("mine")
    assert (await other.get(f"/visitor/conversations/{cid}/queue")).status_code == 404
    await owner.close(), await other.close()


async def test_a_returning_visitor_learns_their_last_operator_when_routing_sends_them_back(server_factory):
    srv = server_factory("--auto-assign")
    olga = await Operator.create(srv, "olga@example.com", name="Olga")
    v = await Visitor(srv).arrive()
    assert v.session["last_operator"] == ""
    cid = await v.start_chat("Hi", name="Ines")

    async def assigned():
        return (await olga.ok("GET", f"/conversations/{cid}"))["conversation"]["operator_id"] == olga.id
    await wait_for(assigned, "the chat routed to Olga")
    await olga.say(cid, "Hello Ines")
    await olga.ok("POST", f"/conversations/{cid}/close", {})

    back = await Visitor(srv).arrive(visitor_id=v.id)
    assert (back.session["name"], back.session["last_operator"]) == ("Ines", "Olga")
    # the new tab's stream starts at the newest event: nothing of the old chat is replayed
    back.last_event_id = back.session["last_event_id"]
    assert back.last_event_id > 0
    await back.open_stream()
    assert [f for f in back.frames if isinstance(f.get("event_id"), int) and f["type"] != "resumed"] == []
    await olga.status("away")                   # routing would not send the next chat to her now
    assert (await Visitor(srv).arrive(visitor_id=v.id)).session["last_operator"] == ""
    await v.close(), await back.close()
