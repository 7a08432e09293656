"""The hostile corpus through every entry point an operator controls: internal notes and whispers,
visitor notes, contact fields, canned replies, transfer notes, wrap-up summaries, tags and follow-ups,
callback values. The server stores each one exactly as sent or refuses it with a 4xx in the error
shape; never a 5xx. (The visitor's entry points: tests/server/test_hostile_input.py. What the desk
shows of all this: test_operator_payloads_terminal.py.)"""
from __future__ import annotations

import asyncio

from tests.support.api import Operator, new_id
from tests.support.hostile import text_payloads
from tests.support.tally import Tally
from tests.support.visitor import Visitor


async def _batched(calls, size: int = 20) -> list:
    out = []
    for i in range(0, len(calls), size):
        out += await asyncio.gather(*(c() for c in calls[i:i + size]))
    return out


def _tags(text: str) -> list[str]:
    return [t.strip()[:40] for t in (text, "ok") if t.strip()]


async def test_operator_fields_store_hostile_text_exactly_or_refuse_it_with_a_4xx(shared_server, tally: Tally):
    sue = await Operator.create(shared_server, "sue@example.com", role="supervisor", max_chats=50)
    bob = await Operator.create(shared_server, "bob@example.com", max_chats=50)
    v = await Visitor(shared_server).arrive()
    cid = await v.start_chat("hello")
    assert (await sue.accept(cid)).status_code == 200
    payloads = text_payloads()

    async def note(name, text, kind):
        r = await sue.post(f"/conversations/{cid}/messages", {"client_msg_id": new_id(), "body": text, "kind": kind})
        if tally.check(r, f"{kind} {name}"):
            assert r.json()["body"] == text, name

    async def visitor_note(name, text):
        r = await sue.post(f"/visitors/{v.id}/notes", {"body": text})
        if tally.check(r, f"visitor note {name}"):
            assert r.json()["body"] == text, name

    async def canned(name, text):
        r = await sue.post("/canned", {"shortcut": text[:40], "title": text, "body": text, "tags": [text, "ok"],
                                       "shared": False})
        if tally.check(r, f"canned {name}"):
            got = r.json()
            shortcut = text[:40].strip().lstrip("/")        # a shortcut is trimmed, like tags
            assert (got["shortcut"], got["title"], got["body"]) == (shortcut, text, text), name
            assert got["tags"] == _tags(text), name

    async def callback(name, text):
        r = await sue.post(f"/conversations/{cid}/callback", {"channel": "email", "value": text, "note": text})
        tally.check(r, f"callback {name}")

    calls = []
    for name, text in payloads:
        calls += [lambda n=name, t=text: note(n, t, "note"), lambda n=name, t=text: note(n, t, "whisper"),
                  lambda n=name, t=text: visitor_note(n, t), lambda n=name, t=text: canned(n, t),
                  lambda n=name, t=text: callback(n, t)]
    await _batched(calls)

    # Three lanes side by side, each one request after another: contact fields, transfers back and
    # forth with hostile notes, and the wrap-up of a chat the visitor closed (stored again and again).
    async def contact_fields():
        for name, text in payloads:
            r = await sue.http.patch(f"/visitors/{v.id}", json={"name": text, "email": text, "phone": text})
            if tally.check(r, f"contact fields {name}"):
                assert (r.json()["name"], r.json()["email"], r.json()["phone"]) == (text, text, text), name

    sent_notes = []

    async def transfers():
        for i, (name, text) in enumerate(payloads):
            target = bob if i % 2 == 0 else sue
            r = await sue.post(f"/conversations/{cid}/transfer", {"operator_id": target.id, "note": text})
            if tally.check(r, f"transfer note {name}"):
                sent_notes.append(text)

    v2 = await Visitor(shared_server).arrive()
    cid2 = await v2.start_chat("bye soon")
    assert (await sue.accept(cid2)).status_code == 200
    assert (await v2.post(f"/visitor/conversations/{cid2}/close")).status_code == 200

    async def wrap_ups():
        for name, text in payloads:
            r = await sue.post(f"/conversations/{cid2}/close",
                               {"summary": text, "tags": [text, "ok"], "follow_up": text})
            if tally.check(r, f"wrap-up {name}"):
                got = r.json()
                assert (got["summary"], got["tags"], got["follow_up"]) == (text, _tags(text), text), name

    await asyncio.gather(contact_fields(), transfers(), wrap_ups())
    detail = (await sue.detail(cid)).json()
    stored = [e["data"]["note"] for e in detail["events"] if e["type"] == "conversation.transferred"]
    assert stored == sent_notes

    assert tally.server_errors == [], tally.server_errors[:5]
    assert tally.stored > len(payloads) * 7            # most of it is simply stored
    assert (await sue.get("/health")).status_code == 200
