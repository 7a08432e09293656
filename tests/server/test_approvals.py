"""Approval mode: a novice's messages wait for a trainer; the visitor sees only approved text, once."""
from __future__ import annotations

import asyncio

from tests.support.api import new_id, operators
from tests.support.chats import active_chat
from tests.support.stream import Stream, live_stream


async def test_approve_with_an_edit_reaches_the_visitor_exactly_once(shared_server):
    (tina,), (nov,) = await asyncio.gather(operators(shared_server, "tina", role="trainer"), operators(shared_server, "nov"))
    await tina.ok("PATCH", f"/operators/{nov.id}", {"novice": True, "approval_required": True})
    v, cid = await active_chat(shared_server, nov, "Can I return shoes?")
    vstream = await Stream.open(shared_server, visitor_token=v.token)
    nov_desk, tina_desk = await live_stream(shared_server, nov.token), await live_stream(shared_server, tina.token)

    cmid = new_id()
    body = {"client_msg_id": cmid, "body": "yeah sure whatever", "kind": "text"}
    r = await nov.post(f"/conversations/{cid}/messages", body)
    assert r.status_code == 202
    held = r.json()["approval"]
    assert held["state"] == "pending" and held["body"] == "yeah sure whatever" and held["client_msg_id"] == cmid
    again = await nov.post(f"/conversations/{cid}/messages", body)             # the outbox resends
    assert again.status_code == 202 and again.json()["approval"]["id"] == held["id"]
    for desk in (nov_desk, tina_desk):
        assert (await desk.event("approval.requested", cid))["data"]["approval"]["id"] == held["id"]
    queue = (await tina.ok("GET", "/approvals"))["approvals"]
    assert held["id"] in [a["id"] for a in queue]
    assert [a["id"] for a in (await nov.detail(cid)).json()["approvals"]] == [held["id"]]
    assert (await v.ok("GET", f"/visitor/conversations/{cid}"))["messages"][-1]["body"] == "Can I return shoes?"

    edited = "Yes, you can return them within 30 days."
    done = await tina.ok("POST", f"/approvals/{held['id']}", {"action": "approve", "body": edited})
    assert done["state"] == "approved" and done["final_body"] == edited and done["message_id"]
    resolved = await nov_desk.event("approval.resolved", cid)
    assert resolved["data"]["approval"]["state"] == "approved"
    echo = next(f for f in nov_desk.frames if f["type"] == "message.created" and f["data"]["id"] == done["message_id"])
    assert echo["client_msg_id"] == cmid and echo["data"]["author_id"] == nov.id    # the novice's own echo
    await vstream.next(lambda f: f.get("data", {}).get("body") == edited)
    r = await tina.post(f"/approvals/{held['id']}", {"action": "approve"})
    assert r.status_code == 409 and r.json()["error"] == "already_resolved"
    again = await nov.post(f"/conversations/{cid}/messages", body)              # a late resend: the message
    assert again.status_code == 200 and again.json()["id"] == done["message_id"]
    await tina.say(cid, "end marker")
    await vstream.next(lambda f: f.get("data", {}).get("body") == "end marker")
    bodies = [f["data"]["body"] for f in vstream.events() if f["type"] == "message.created"]
    assert bodies.count(edited) == 1 and "yeah sure whatever" not in str(vstream.frames)
    rest = [m["body"] for m in (await v.ok("GET", f"/visitor/conversations/{cid}"))["messages"]]
    assert rest.count(edited) == 1 and "yeah sure whatever" not in rest
    conv = (await nov.detail(cid)).json()["conversation"]
    assert conv["first_response_at"] is not None                                # approval counts as a reply


async def test_a_rejected_message_never_reaches_the_visitor(shared_server):
    (tina,), (nov,) = await asyncio.gather(operators(shared_server, "tina", role="trainer"), operators(shared_server, "nov"))
    await tina.ok("PATCH", f"/operators/{nov.id}", {"approval_required": True})
    v, cid = await active_chat(shared_server, nov)
    vstream = await Stream.open(shared_server, visitor_token=v.token)
    nov_desk = await live_stream(shared_server, nov.token)
    r = await nov.post(f"/conversations/{cid}/messages", {"client_msg_id": new_id(), "body": "rude answer"})
    held = r.json()["approval"]
    done = await tina.ok("POST", f"/approvals/{held['id']}", {"action": "reject", "note": "Be kinder."})
    assert done["state"] == "rejected" and done["note"] == "Be kinder." and done["message_id"] is None
    ev = await nov_desk.event("approval.resolved", cid)
    assert ev["data"]["approval"]["state"] == "rejected" and ev["data"]["approval"]["note"] == "Be kinder."
    # notes and whispers are not held: only text to the visitor is
    note = await nov.say(cid, "internal note", kind="note")
    assert note["kind"] == "note"
    # switching approval off releases nothing: the held one stays rejected, new text goes straight out
    await tina.ok("PATCH", f"/operators/{nov.id}", {"approval_required": False})
    await nov.say(cid, "after approval mode")
    await vstream.next(lambda f: f.get("data", {}).get("body") == "after approval mode")
    assert "rude answer" not in str(vstream.frames)
    assert "rude answer" not in str(await v.ok("GET", f"/visitor/conversations/{cid}"))
    replay = await Stream.open(shared_server, visitor_token=v.token, after=0)
    assert "rude answer" not in str(replay.frames) and "Be kinder" not in str(replay.frames)


async def test_switching_approval_off_keeps_pending_ones_for_the_trainer(shared_server):
    (tina,), (nov,) = await asyncio.gather(operators(shared_server, "tina", role="trainer"), operators(shared_server, "nov"))
    await tina.ok("PATCH", f"/operators/{nov.id}", {"approval_required": True})
    v, cid = await active_chat(shared_server, nov)
    body = {"client_msg_id": new_id(), "body": "waiting one"}
    held = (await nov.post(f"/conversations/{cid}/messages", body)).json()["approval"]
    await tina.ok("PATCH", f"/operators/{nov.id}", {"approval_required": False})
    pending = (await tina.ok("GET", "/approvals?state=pending"))["approvals"]
    assert held["id"] in [a["id"] for a in pending]
    again = await nov.post(f"/conversations/{cid}/messages", body)             # a resend stays held
    assert again.status_code == 202 and again.json()["approval"]["state"] == "pending"
    assert "waiting one" not in str(await v.ok("GET", f"/visitor/conversations/{cid}"))
    # approving a held message of a closed chat is refused with a sentence
    await nov.ok("POST", f"/conversations/{cid}/close", {})
    r = await tina.post(f"/approvals/{held['id']}", {"action": "approve"})
    assert r.status_code == 409 and r.json()["error"] == "conversation_closed"
    assert (await tina.post(f"/approvals/{held['id']}", {"action": "reject"})).status_code == 200
