"""Every error is a 4xx with {"error", "message"}; bad input never becomes a 5xx."""
from __future__ import annotations

import httpx

from tests.support.api import Operator
from tests.support.visitor import Visitor


def _shape(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert set(body) == {"error", "message"} and body["message"].endswith(".")
    return body


async def test_errors_have_one_shape_and_a_sentence(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com")
    v = await Visitor(shared_server).arrive()
    _shape(await ana.get("/no/such/route"), 404)
    _shape(await ana.http.delete("/queue"), 405)
    _shape(await ana.get("/conversations/999999999999"), 404)
    _shape(await ana.get("/conversations/not-a-number"), 422)
    _shape(await ana.get("/conversations/99999999999999999999999999"), 422)
    body = _shape(await ana.post("/conversations/1/messages", {"body": "x"}), 422)
    assert "client_msg_id" in body["message"]
    _shape(await ana.post("/conversations/1/messages", {"client_msg_id": "a", "body": "x" * 9000}), 422)
    _shape(await ana.http.post("/conversations/1/messages", content=b"{not json",
                               headers={"content-type": "application/json"}), 422)
    _shape(await ana.http.put("/me/status", json={"status": "sleeping"}), 422)
    _shape(await ana.http.post("/auth/login", content=b"x" * 2_000_000,
                               headers={"content-type": "application/json"}), 413)
    cid = await v.start_chat()
    body = _shape(await ana.post(f"/conversations/{cid}/messages", {"client_msg_id": "c1", "body": "hi"}), 409)
    assert body == {"error": "not_accepted", "message": "Accept this chat before you reply."}
    await ana.accept(cid)
    _shape(await ana.post(f"/conversations/{cid}/transfer", {"operator_id": 10 ** 30}), 404)
    _shape(await ana.post(f"/conversations/{cid}/transfer", {"operator_id": -1}), 404)
    _shape(await ana.post(f"/conversations/{cid}/transfer", {"department": "nowhere"}), 404)
    _shape(await ana.post(f"/conversations/{cid}/transfer", {}), 422)
    _shape(await v.http.post(f"/visitor/conversations/{cid}/messages",
                             content=b'{"client_msg_id": "s1", "body": "bad \\ud800 surrogate"}',
                             headers={"content-type": "application/json"}), 422)
    _shape(await v.post("/visitor/sessions", {"visitor_id": "x" * 65}), 422)
    assert (await ana.get("/health")).json() == {"ok": True}


async def test_openapi_schema_is_served(shared_server):
    r = httpx.get(shared_server.url + "/openapi.json")
    paths = r.json()["paths"]
    for path in ("/api/v1/auth/login", "/api/v1/queue", "/api/v1/conversations/{cid}/accept",
                 "/api/v1/visitor/sessions", "/api/v1/canned", "/api/v1/operators/{operator_id}"):
        assert path in paths
