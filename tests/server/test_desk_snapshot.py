"""GET /desk: the start of a desk in one request, the same as the separate reads it replaces."""
from __future__ import annotations

import asyncio

from tests.support.api import Operator
from tests.support.stream import Stream
from tests.support.visitor import Visitor


async def test_the_snapshot_holds_what_the_separate_reads_hold(shared_server):
    ana = await Operator.create(shared_server, "snap@example.com", name="Snap")
    bob = await Operator.create(shared_server, "snapbob@example.com", name="Bob")
    mine, waiting = await Visitor(shared_server).arrive(title="Boots"), await Visitor(shared_server).arrive(title="Hats")
    cid = await mine.start_chat("my boots are too small", name="Kari")
    queued = await waiting.start_chat("do you have hats?", name="Ola")
    await ana.accept(cid)
    for i in range(5):
        await mine.say(f"line {i}")
    other = await (await Visitor(shared_server).arrive()).start_chat("for Bob")
    await bob.accept(other)

    snap = await ana.ok("GET", "/desk?last=3")
    assert snap["me"] == await ana.ok("GET", "/me")
    assert [c["detail"]["conversation"]["id"] for c in snap["open"]] == [cid]      # not Bob's chat
    chat = snap["open"][0]
    page = await ana.ok("GET", f"/conversations/{cid}?last=3&events=false")
    assert chat["detail"]["messages"] == page["messages"] and chat["detail"]["has_older"] is True
    assert [m["body"] for m in chat["detail"]["messages"]] == ["line 2", "line 3", "line 4"]
    assert chat["visitor"] == await ana.ok("GET", f"/visitors/{mine.id}")
    assert queued in [e["conversation"]["id"] for e in snap["queue"]]
    queue = (await ana.ok("GET", "/queue"))["queue"]
    assert [e["conversation"]["id"] for e in snap["queue"]] == [e["conversation"]["id"] for e in queue]
    assert {o["id"] for o in snap["operators"]} == {o["id"] for o in (await ana.ok("GET", "/operators"))["operators"]}
    assert snap["canned"] == (await ana.ok("GET", "/canned"))["canned"]

    r = await ana.get("/desk?last=0")
    assert r.status_code == 422 and r.json()["message"].endswith(".")
    await bob.ok("POST", f"/conversations/{other}/close", {"summary": "done", "tags": []})
    await ana.ok("POST", f"/conversations/{cid}/close", {"summary": "done", "tags": []})
    await ana.accept(queued)
    await ana.ok("POST", f"/conversations/{queued}/close", {"summary": "done", "tags": []})


async def test_a_stream_resuming_after_the_snapshots_event_misses_nothing_and_repeats_nothing(shared_server):
    ana = await Operator.create(shared_server, "snapresume@example.com", name="Resume")
    v = await Visitor(shared_server).arrive()
    cid = await v.start_chat("before the snapshot", name="Early")
    await ana.accept(cid)
    await v.say("also before")
    writer = asyncio.create_task(_say_many(v, "during", 30))   # writes while the snapshot is read
    await asyncio.sleep(0.05)
    snap = await ana.ok("GET", "/desk?last=200")
    await writer
    await v.say("after the snapshot")
    in_snapshot = [m["body"] for c in snap["open"] if c["detail"]["conversation"]["id"] == cid
                   for m in c["detail"]["messages"]]
    assert in_snapshot[:2] == ["before the snapshot", "also before"]
    newest = snap["event_id"]
    stream = await Stream.open(shared_server, token=ana.token, after=newest)
    assert stream.resume_answer["type"] == "resumed"
    replayed = [e["data"]["body"] for e in stream.events()
                if e["type"] == "message.created" and e["conversation_id"] == cid]
    assert all(e["event_id"] > newest for e in stream.events())
    # every message is in the snapshot or in the replay, exactly once, in order
    assert in_snapshot + replayed == ["before the snapshot", "also before",
                                      *[f"during {i}" for i in range(30)], "after the snapshot"]
    assert replayed, "the snapshot already had everything; the test proves nothing"
    await stream.close()
    await ana.ok("POST", f"/conversations/{cid}/close", {"summary": "done", "tags": []})


async def _say_many(visitor: Visitor, prefix: str, n: int) -> None:
    for i in range(n):
        await visitor.say(f"{prefix} {i}")
