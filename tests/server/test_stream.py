"""The operator stream: resume without gap or duplicate, reset when too old, who sees what."""
from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support.api import Operator, operators
from tests.support.stream import Stream
from tests.support.visitor import Visitor


async def active_chat(srv, op: Operator) -> tuple[Visitor, int]:
    v = await Visitor(srv).arrive()
    cid = await v.start_chat()
    assert (await op.accept(cid)).status_code == 200
    return v, cid


async def test_reconnect_with_resume_gets_exactly_the_50_missed_events_in_order_once(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com")
    v, cid = await active_chat(shared_server, ana)
    desk = await Stream.open(shared_server, token=ana.token)
    await ana.say(cid, "before the drop")
    last = (await desk.next(lambda f: f.get("data", {}).get("body") == "before the drop"))["event_id"]
    await desk.close()

    sent = []
    for i in range(50):
        body = f"missed {i}"
        await (ana.say(cid, body) if i % 2 else v.say(body))
        sent.append(body)

    again = await Stream.open(shared_server, token=ana.token, after=last)
    replayed = again.events()
    assert [f["data"]["body"] for f in replayed] == sent
    ids = [f["event_id"] for f in replayed]
    assert ids == sorted(set(ids)) and ids[0] > last
    assert [f["seq"] for f in replayed] == list(range(replayed[0]["seq"], replayed[0]["seq"] + 50))
    assert again.resume_answer == {"type": "resumed", "event_id": ids[-1]}
    await ana.say(cid, "live again")
    live = await again.event("message.created", cid)
    assert live["data"]["body"] == "live again" and live["event_id"] == ids[-1] + 1


async def test_resume_while_events_are_being_written_has_no_gap_or_duplicate(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com")
    v, cid = await active_chat(shared_server, ana)
    total = 120

    async def writer():
        for i in range(total):
            await (ana.say(cid, f"w{i}") if i % 2 else v.say(f"w{i}"))

    task = asyncio.create_task(writer())
    streams = []
    for _ in range(4):                      # connect repeatedly while the writer runs
        streams.append(await Stream.open(shared_server, token=ana.token, after=0))
    assert not task.done(), "the writer finished before the streams connected; the test proves nothing"
    await task
    reference = [f["event_id"] for f in (await Stream.open(shared_server, token=ana.token, after=0)).events()]
    for s in streams:
        await s.next(lambda f: f.get("data", {}).get("body") == f"w{total - 1}")
        bodies = [f["data"]["body"] for f in s.events()
                  if f["type"] == "message.created" and f["conversation_id"] == cid]
        assert bodies[1:] == [f"w{i}" for i in range(total)]   # [0] is the visitor's opening line
        ids = [f["event_id"] for f in s.events()]
        assert ids == sorted(set(ids)), "an event came twice or out of order"
        assert ids == reference, "an event is missing"


async def test_reset_when_the_resume_point_is_older_than_the_log_keeps(server_factory):
    srv = server_factory("--keep-events", "20")
    ana = await Operator.create(srv, "ana@example.com")
    v, cid = await active_chat(srv, ana)
    for i in range(30):
        await v.say(f"m{i}")
    old = await Stream.open(srv, token=ana.token, after=1)
    assert old.resume_answer["type"] == "reset"
    newest = old.resume_answer["event_id"]
    await ana.say(cid, "after reset")
    live = await old.event("message.created", cid)
    assert live["event_id"] == newest + 1 and old.events() == [live]
    # A resume point still inside the kept window replays normally.
    recent = await Stream.open(srv, token=ana.token, after=newest - 5)
    assert recent.resume_answer["type"] == "resumed" and len(recent.events()) == 6
    # A resume point from the future (another database) is a reset too.
    future = await Stream.open(srv, token=ana.token, after=newest + 1000)
    assert future.resume_answer["type"] == "reset"


async def test_an_operator_sees_the_queue_but_not_other_operators_chats(shared_server):
    (ana, ben), (lead,) = await asyncio.gather(operators(shared_server, "ana", "ben"),
                                               operators(shared_server, "lead", role="supervisor"))
    ben_desk = await Stream.open(shared_server, token=ben.token)
    lead_desk = await Stream.open(shared_server, token=lead.token)
    v, cid = await active_chat(shared_server, ana)
    await ana.say(cid, "private to ana's chat")
    await v.say("visitor talks to ana")
    await lead_desk.next(lambda f: f.get("data", {}).get("body") == "visitor talks to ana")
    # Ben saw the chat while it was queued, and its assignment (to drop it from the queue)...
    await ben_desk.event("conversation.assigned", cid)
    # ...but nothing after. A new queued chat is a marker that ben's stream is past that point.
    marker = await (await Visitor(shared_server).arrive()).start_chat()
    await ben_desk.event("conversation.queued", marker)
    bodies = [f["data"].get("body") for f in ben_desk.events() if f["type"] == "message.created"]
    assert "private to ana's chat" not in bodies and "visitor talks to ana" not in bodies
    # The same holds on replay.
    replay = await Stream.open(shared_server, token=ben.token, after=0)
    assert "private to ana's chat" not in str(replay.frames)
    assert any(f["type"] == "conversation.assigned" for f in replay.events())


async def test_bad_auth_gets_an_error_frame_and_close_4401(shared_server):
    for first in ({"type": "auth", "token": "nope"}, {"type": "resume", "after": 0}, {"type": "auth"}):
        async with connect(shared_server.ws_url + "/api/v1/stream", proxy=None) as ws:
            await ws.send(json.dumps(first))
            frame = json.loads(await ws.recv())
            assert frame["type"] == "error" and frame["error"] == "unauthorized" and frame["message"]
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd.code == 4401
    async with connect(shared_server.ws_url + "/api/v1/visitor/stream", proxy=None) as ws:
        await ws.send(json.dumps({"type": "auth", "visitor_token": "nope"}))
        assert json.loads(await ws.recv())["error"] == "unauthorized"


async def test_typing_and_sneak_peek_are_ephemeral(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com")
    v, cid = await active_chat(shared_server, ana)
    desk = await Stream.open(shared_server, token=ana.token)
    vs = await Stream.open(shared_server, visitor_token=v.token)
    await vs.ws.send(json.dumps({"type": "typing", "is_typing": True, "text": "I want to ret"}))
    peek = await desk.next(lambda f: f["type"] == "typing")
    assert peek == {"type": "typing", "conversation_id": cid, "actor": "visitor", "is_typing": True,
                    "text": "I want to ret"}
    await desk.ws.send(json.dumps({"type": "typing", "conversation_id": cid, "is_typing": True}))
    assert await vs.next(lambda f: f["type"] == "typing") == {
        "type": "typing", "conversation_id": cid, "actor": "operator", "is_typing": True}
    await desk.ws.send(json.dumps({"type": "ping"}))
    await desk.next(lambda f: f["type"] == "pong")
    # Nothing of it was logged.
    events = (await ana.detail(cid)).json()["events"]
    assert all(e["type"] != "typing" for e in events) and "I want to ret" not in str(events)


async def test_visitor_stream_resumes_too(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com")
    v, cid = await active_chat(shared_server, ana)
    vs = await Stream.open(shared_server, visitor_token=v.token)
    await ana.say(cid, "first")
    last = (await vs.next(lambda f: f.get("data", {}).get("body") == "first"))["event_id"]
    await vs.close()
    for i in range(5):
        await ana.say(cid, f"while away {i}")
        await ana.say(cid, f"note {i}", kind="note")
    again = await Stream.open(shared_server, visitor_token=v.token, after=last)
    assert [f["data"]["body"] for f in again.events()] == [f"while away {i}" for i in range(5)]
    assert again.resume_answer["type"] == "resumed"
