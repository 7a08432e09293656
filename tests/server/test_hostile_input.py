"""Bodies that are not JSON, not UTF-8, too deep, too big or of the wrong shape, against every writing
endpoint: never a 5xx, always the error shape. (The corpus's hostile text through every visitor
field, stored exactly as sent: test_hostile_visitor_fields.py; the operator's fields:
security/test_operator_fields.py.)"""
from __future__ import annotations

from tests.support.api import Operator
from tests.support.hostile import raw_bodies, shaped_bodies
from tests.support.visitor import Visitor


def _check(r, label: str) -> None:
    assert r.status_code < 500, f"{label}: {r.status_code} {r.text[:200]}"
    if r.status_code >= 400:
        body = r.json()
        assert set(body) == {"error", "message"} and body["message"], f"{label}: {body}"


async def test_raw_and_wrongly_shaped_bodies_get_a_4xx_never_a_5xx(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com")
    v = await Visitor(shared_server).arrive()
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

