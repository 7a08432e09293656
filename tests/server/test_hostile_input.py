"""The shared hostile-input corpus against every writing endpoint: never a 5xx, always the error
shape, and accepted text is stored exactly as sent (sanitising is the desk's job, at display)."""
from __future__ import annotations

import asyncio

from hostile.corpus import raw_bodies, shaped_bodies, text_payloads

from .helpers import Operator, Visitor, new_id


def _check(r, label: str) -> None:
    assert r.status_code < 500, f"{label}: {r.status_code} {r.text[:200]}"
    if r.status_code >= 400:
        body = r.json()
        assert set(body) == {"error", "message"} and body["message"], f"{label}: {body}"


async def test_raw_and_wrongly_shaped_bodies_get_a_4xx_never_a_5xx(shared):
    ana = await Operator.create(shared, "ana@example.com")
    v = await Visitor.arrive(shared)
    cid = await v.start_chat()
    await ana.accept(cid)
    targets = [
        (ana, "POST", f"/conversations/{cid}/messages"), (ana, "POST", f"/conversations/{cid}/transfer"),
        (ana, "POST", f"/visitors/{v.id}/notes"), (ana, "PATCH", f"/visitors/{v.id}"),
        (ana, "POST", "/canned"), (ana, "PUT", "/me/status"), (ana, "PATCH", f"/operators/{ana.id}"),
        (ana, "POST", f"/conversations/{cid}/callback"), (ana, "POST", "/auth/login"),
        (v, "POST", "/visitor/sessions"), (v, "POST", "/visitor/pageviews"),
        (v, "POST", "/visitor/conversations"), (v, "POST", f"/visitor/conversations/{cid}/messages"),
        (v, "POST", "/visitor/typing"),
    ]
    for who, method, path in targets:
        for name, raw in raw_bodies():
            r = await who.http.request(method, path, content=raw, headers={"content-type": "application/json"})
            _check(r, f"{method} {path} {name}")
        for name, shaped in shaped_bodies():
            _check(await who.http.request(method, path, json=shaped), f"{method} {path} {name}")
    # Closing last, since a successful close ends the chat.
    for name, shaped in shaped_bodies():
        _check(await ana.http.post(f"/conversations/{cid}/close", json=shaped), f"close {name}")
    assert (await ana.get("/health")).status_code == 200


async def test_hostile_text_is_stored_exactly_as_sent(shared):
    ana = await Operator.create(shared, "ana@example.com")
    v = await Visitor.arrive(shared)
    cid = await v.start_chat()
    await ana.accept(cid)
    payloads = [(n, t) for n, t in text_payloads() if 0 < len(t) <= 8000]

    async def send(name: str, text: str):
        r = await v.post(f"/visitor/conversations/{cid}/messages", {"client_msg_id": new_id(), "body": text})
        _check(r, name)
        return name, text, r

    results = []
    for i in range(0, len(payloads), 20):
        results += await asyncio.gather(*(send(n, t) for n, t in payloads[i:i + 20]))
    stored = {m["client_msg_id"]: m["body"] for m in (await ana.detail(cid)).json()["messages"]}
    accepted = 0
    for name, text, r in results:
        if r.status_code == 201:
            accepted += 1
            assert stored[r.json()["client_msg_id"]] == text, name
        else:
            assert r.status_code == 422, name     # only text SQLite cannot hold (lone surrogates)
    assert accepted >= len(payloads) - 5
    for name, text in payloads[:40]:
        r = await v.post("/visitor/pageviews", {"url": "https://shop.example/" + text[:100], "title": text[:300]})
        _check(r, f"pageview {name}")
