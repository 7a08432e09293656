"""The role matrix: every staff-only endpoint refuses an operator with 403 and a sentence, and
changes nothing. One table; a new staff-only endpoint gets one row here."""
from __future__ import annotations

import asyncio

from tests.support.api import new_id, operators
from tests.support.chats import active_chat, closed_chat


async def test_every_staff_only_endpoint_refuses_an_operator(shared_server):
    (tina,), (ana, ben) = await asyncio.gather(operators(shared_server, "tina", role="trainer"),
                                               operators(shared_server, "ana", "ben"))
    await tina.ok("PATCH", f"/operators/{ben.id}", {"approval_required": True})
    v, bens_chat = await active_chat(shared_server, ben)                       # someone else's live chat
    _, anas_chat = await active_chat(shared_server, ana)                       # ana's own live chat
    held = (await ben.post(f"/conversations/{bens_chat}/messages",
                           {"client_msg_id": new_id(), "body": "held"})).json()["approval"]
    _, bens_closed = await closed_chat(shared_server, ben, "closed words")

    matrix = [  # (method, path, body): what an operator may not do
        ("GET", "/board", None),
        ("POST", f"/conversations/{bens_chat}/watch", {}),               # monitor others' chats
        ("POST", f"/conversations/{bens_chat}/unwatch", {}),
        ("POST", f"/conversations/{anas_chat}/watch", {}),               # not even their own: staff tool
        ("GET", f"/conversations/{bens_chat}", None),                    # read someone else's live chat
        ("POST", f"/conversations/{bens_chat}/messages",                 # whisper
         {"client_msg_id": new_id(), "body": "psst", "kind": "whisper"}),
        ("POST", f"/conversations/{anas_chat}/messages",                 # whisper, even in their own
         {"client_msg_id": new_id(), "body": "psst", "kind": "whisper"}),
        ("POST", f"/conversations/{bens_chat}/join", {}),
        ("POST", f"/conversations/{bens_chat}/takeover", {}),
        ("POST", f"/conversations/{bens_chat}/reassign", {"operator_id": ana.id}),
        ("POST", f"/conversations/{anas_chat}/reassign", {"operator_id": ben.id}),
        ("PATCH", f"/operators/{ben.id}", {"max_chats": 9}),             # change caps
        ("PATCH", f"/operators/{ana.id}", {"approval_required": False}), # not even their own
        ("GET", "/approvals", None),
        ("POST", f"/approvals/{held['id']}", {"action": "approve"}),
        ("POST", f"/approvals/{held['id']}", {"action": "reject"}),
        ("GET", f"/transcripts/{bens_closed}", None),                    # others' transcripts
        ("GET", f"/transcripts/{bens_closed}/export?format=md", None),
        ("GET", f"/transcripts?operator_id={ben.id}", None),
        ("POST", f"/transcripts/{bens_closed}/review", {"mark": "best", "note": "x"}),
        ("GET", "/reports/summary", None),
        ("GET", "/admin/webhooks", None),                                # admins only (supervisors too are refused)
        ("POST", "/admin/webhooks", {"url": "https://example.com/h", "events": ["*"]}),
        ("GET", "/admin/deliveries?state=dead", None),
    ]
    refused = []
    for method, path, body in matrix:
        r = await ana.http.request(method, path, json=body)
        refused.append((method, path, r.status_code, r.json().get("error")))
        assert r.status_code == 403, f"{method} {path} -> {r.status_code} {r.text}"
        assert r.json()["error"] == "forbidden" and r.json()["message"].endswith("."), r.text
    assert len(refused) == len(matrix)
    # nothing changed: the held message is still pending, ben still holds his chat, caps unchanged
    assert held["id"] in [a["id"] for a in (await tina.ok("GET", "/approvals?state=pending"))["approvals"]]
    assert (await tina.detail(bens_chat)).json()["conversation"]["operator_id"] == ben.id
    assert (await tina.detail(bens_chat)).json()["watchers"] == []
    me = await ana.ok("GET", "/me")
    assert me["max_chats"] == 4 and me["approval_required"] is False
    assert "psst" not in str(await v.ok("GET", f"/visitor/conversations/{bens_chat}"))
    # and staff may do the same (a sample: the table is not refusing everyone)
    assert (await tina.get("/board")).status_code == 200
    assert (await tina.get(f"/transcripts/{bens_closed}")).status_code == 200
    assert (await tina.get("/admin/webhooks")).status_code == 403       # a trainer is no admin
