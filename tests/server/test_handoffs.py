"""Hand-off history: every transfer, reassign and take-over writes a staff-only line (with its note
and the names of who did it) into the transcript operators and exports read; the visitor's view
and stream never carry one."""
from __future__ import annotations

import asyncio
import json

from tests.support.api import operators
from tests.support.chats import active_chat
from tests.support.stream import Stream, live_stream


def handoffs(detail: dict) -> list[str]:
    return [m["body"] for m in detail["messages"] if m["kind"] == "handoff"]


async def test_a_department_transfer_note_reaches_whoever_accepts_it_next(shared_server):
    ana, ben = await operators(shared_server, "ana", "ben")
    v, cid = await active_chat(shared_server, ana, "I need a quote for 40 tents")
    ben_desk = await live_stream(shared_server, ben.token)
    await ana.ok("POST", f"/conversations/{cid}/transfer", {"department": "sales", "note": "wants a quote"})
    line = f"{ana.name} transferred this chat to the sales queue. Note: wants a quote"
    # the queued chat's line goes to every operator, live
    ev = await ben_desk.next(lambda f: f["type"] == "message.created" and f["data"]["kind"] == "handoff")
    assert ev["data"]["body"] == line and ev["data"]["author_id"] == ana.id
    assert (await ben.accept(cid)).status_code == 200
    detail = (await ben.detail(cid)).json()                  # what Ben's desk loads on accepting
    assert handoffs(detail) == [line]
    texts = [m["body"] for m in detail["messages"]]
    assert texts.index("I need a quote for 40 tents") < texts.index(line)       # in conversation order
    # never the visitor's: not in their transcript, not on their stream
    assert all(m["kind"] in ("text", "system") for m in await v.transcript())
    assert "wants a quote" not in json.dumps(await v.transcript())
    vs = await Stream.open(shared_server, visitor_token=v.token, after=0)
    await ben.say(cid, "visible marker")
    await vs.next(lambda f: f.get("data", {}).get("body") == "visible marker")
    assert "handoff" not in json.dumps(vs.frames) and "wants a quote" not in json.dumps(vs.frames)


async def test_reassign_and_take_over_name_the_supervisor_and_reach_the_export(shared_server):
    (sam,), (dana, alex) = await asyncio.gather(operators(shared_server, "sam", role="supervisor"),
                                                operators(shared_server, "dana", "alex"))
    v, cid = await active_chat(shared_server, dana, "Where is my parcel?")
    alex_desk = await live_stream(shared_server, alex.token)
    await sam.ok("POST", f"/conversations/{cid}/reassign", {"operator_id": alex.id, "note": "Alex knows parcels"})
    moved = await alex_desk.event("conversation.transferred", cid)
    assert moved["data"]["by"] == {"id": sam.id, "name": sam.name} and moved["data"]["reason"] == "reassigned"
    reassigned = f"{sam.name} (supervisor) reassigned this chat from {dana.name} to {alex.name}. Note: Alex knows parcels"
    ev = await alex_desk.next(lambda f: f["type"] == "message.created" and f["data"]["kind"] == "handoff")
    assert ev["data"]["body"] == reassigned
    await sam.ok("POST", f"/conversations/{cid}/takeover")
    took = f"{sam.name} (supervisor) took over this chat from {alex.name}."
    await sam.ok("POST", f"/conversations/{cid}/transfer", {"operator_id": dana.id, "note": "back to you"})
    back = f"{sam.name} (supervisor) transferred this chat to {dana.name}. Note: back to you"
    assert handoffs((await dana.detail(cid)).json()) == [reassigned, took, back]
    await dana.ok("POST", f"/conversations/{cid}/close", {"summary": "parcel found"})

    md = await sam.get(f"/transcripts/{cid}/export", params={"format": "md"})
    assert md.status_code == 200
    hand_lines = [line for line in md.text.splitlines() if line.startswith("- **Hand-off**")]
    assert len(hand_lines) == 3
    for written, line in zip(hand_lines, (reassigned, took, back), strict=True):
        assert written.endswith(line)
    js = (await sam.get(f"/transcripts/{cid}/export", params={"format": "json"})).json()
    assert handoffs(js) == [reassigned, took, back]
    assert all(m["kind"] in ("text", "system") for m in await v.transcript())
