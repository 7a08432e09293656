"""Two server processes on one database: every process delivers every committed event to its own
streams exactly once, in event_id order, whichever process wrote it; a stream resumed on either
process replays the same events; typing and logouts cross processes."""
from __future__ import annotations

import asyncio
import json

import pytest

from tests.support.api import Operator
from tests.support.stream import Stream, live_stream
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for


async def pump(stream: Stream, upto: int) -> list[int]:
    """Reads the stream until it has event `upto`; returns the event ids it delivered, in order."""
    if not any(f.get("event_id", 0) >= upto for f in stream.events()):
        await stream.next(lambda f: "event_id" in f and f["event_id"] >= upto, timeout=30)
    return [f["event_id"] for f in stream.events()]


@pytest.mark.timeout(120)
async def test_every_process_delivers_every_event_once_in_order(cluster):
    a, b = cluster[0], cluster[1]
    ana = await Operator.create(a, "ana@example.com")
    await ana.status("online")
    base = cluster.newest_event()
    # resumed after `base` on each process: what a desk does (replay up to the newest, then live)
    on_a, on_b = await Stream.open(a, token=ana.token, after=base), await Stream.open(b, token=ana.token, after=base)
    visitors = [await Visitor(cluster[i % 2]).arrive() for i in range(6)]
    cids = await asyncio.gather(*(v.start_chat(f"hello {i}") for i, v in enumerate(visitors)))
    ana_b = Operator(b, ana.token)
    assert (await ana_b.accept(cids[0])).status_code == 200
    for n in range(4):       # both processes write at the same time
        await asyncio.gather(*(v.say(f"line {n} from {i}") for i, v in enumerate(visitors)),
                             ana.say(cids[0], f"answer {n} via a"), ana_b.say(cids[0], f"answer {n} via b"))
    newest = cluster.newest_event()
    ids_a, ids_b = await pump(on_a, newest), await pump(on_b, newest)
    replay = await Stream.open(b, token=ana.token, after=base)
    replayed = [f["event_id"] for f in replay.frames if "event_id" in f and f["type"] not in ("resumed", "reset")]
    assert replay.resume_answer is not None and replay.resume_answer["event_id"] >= newest
    replayed = [i for i in replayed if i <= newest]
    assert len(replayed) > 40, replayed          # chats, messages and the accept: both writers' events
    kinds = {f["event_id"]: f["type"] for f in replay.frames if "event_id" in f}
    assert ids_a == ids_b == replayed, (base, [(i, kinds.get(i)) for i in set(replayed) ^ set(ids_a)])
    assert ids_a == sorted(set(ids_a))
    for s in (on_a, on_b, replay):
        await s.close()
    for v in visitors:
        await v.close()
    await ana.close()
    await ana_b.close()


@pytest.mark.timeout(120)
async def test_typing_crosses_processes(cluster):
    a, b = cluster[0], cluster[1]
    ana = await Operator.create(a, "ana@example.com")
    await ana.status("online")
    desk = await live_stream(a, ana.token)
    maria = await Visitor(b).arrive()
    cid = await maria.start_chat("is the kettle in stock?")
    await maria.open_stream()
    await maria.stream_typing(True, "and in blue")
    frame = await desk.next(lambda f: f["type"] == "typing" and f.get("conversation_id") == cid, timeout=20)
    assert frame["actor"] == "visitor" and frame["text"] == "and in blue"
    assert (await ana.accept(cid)).status_code == 200
    await desk.ws.send(json.dumps({"type": "typing", "conversation_id": cid, "is_typing": True}))
    await wait_for(lambda: any(f.get("type") == "typing" and f.get("actor") == "operator" for f in maria.frames),
                   "the operator's typing on the visitor's stream in the other process", timeout=20)
    await desk.close()
    await maria.close()
    await ana.close()


@pytest.mark.timeout(120)
async def test_logout_ends_the_token_streams_in_every_process(cluster):
    a, b = cluster[0], cluster[1]
    ana = await Operator.create(a, "ana@example.com")
    on_b = await live_stream(b, ana.token)
    assert (await ana.post("/auth/logout")).status_code < 300
    frame = await on_b.next(lambda f: f["type"] == "error", timeout=20)
    assert frame["error"] == "unauthorized"
    await on_b.close()
    await ana.close()


@pytest.mark.timeout(120)
async def test_a_server_alone_keeps_todays_way(server_factory):
    """Without --cluster: no member row, no lease, no heartbeat writes; the sweeps run (a chat is
    routed by auto-assign) and events reach the desk straight from the commit."""
    from tests.support.database import rows

    srv = server_factory("--auto-assign")
    ana = await Operator.create(srv, "ana@example.com")
    await ana.status("online")
    desk = await live_stream(srv, ana.token)
    v = await Visitor(srv).arrive()
    cid = await v.start_chat("routed by the only process")
    await desk.next(lambda f: f["type"] == "conversation.assigned" and f["conversation_id"] == cid, timeout=30)
    assert rows(srv.database, "SELECT count(*) FROM cluster_members") == [(0,)]
    assert rows(srv.database, "SELECT count(*) FROM leases") == [(0,)]
    assert rows(srv.database, "SELECT count(*) FROM rate_buckets") == [(0,)]   # limits in memory
    await desk.close()
    await v.close()
    await ana.close()
