"""Limits (docs/security.md): the body cap holds for chunked uploads too, websocket messages above
64 KiB close the stream with 1009, rate limits answer 429 with Retry-After, and the visitor stream
only talks to allowed origins. Real server over real HTTP and websockets."""
from __future__ import annotations

import json
import select
import socket

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.support.api import Api, Operator, new_id
from tests.support.stream import Stream
from tests.support.visitor import Visitor

KIB = 1024


def _chunked_post(srv, path: str, total: int, chunk: int = 64 * KIB) -> bytes:
    """POST `total` bytes as a chunked body over a raw socket, stopping early once the server
    answers (it may refuse before the body is over); returns the raw answer."""
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=20)
    try:
        sock.sendall((f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{srv.port}\r\n"
                      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode())
        sent = 0
        while sent < total:
            if select.select([sock], [], [], 0)[0]:
                break                                   # the answer came before the body was over
            n = min(chunk, total - sent)
            try:
                sock.sendall(b"%x\r\n" % n + b" " * n + b"\r\n")
            except OSError:
                break
            sent += n
        else:
            sock.sendall(b"0\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer) < 200:
            part = sock.recv(65536)
            if not part:
                break
            answer += part
        return answer
    finally:
        sock.close()


def test_a_chunked_body_above_1mb_gets_413_like_a_declared_one(shared_server):
    answer = _chunked_post(shared_server, "/api/v1/auth/login", 3_000_000)
    head, _, rest = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert json.loads(rest[: rest.rindex(b"}") + 1])["error"] == "too_large"
    # Under the cap a chunked body is read as usual (a wrong login here, not a 413).
    gen = (part for part in [b'{"email": "nobody@example.com", ', b'"password": "x"}'])
    r = httpx.post(shared_server.url + "/api/v1/auth/login", content=gen, headers={"content-type": "application/json"})
    assert "content-length" not in r.request.headers
    assert r.status_code == 401 and r.json()["error"] == "bad_credentials"
    assert httpx.get(shared_server.url + "/api/v1/health").json() == {"ok": True}


async def test_websocket_messages_above_64k_close_both_streams_with_1009(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com")
    v = await Visitor(shared_server).arrive()
    for stream in (await Stream.open(shared_server, token=ana.token),
                   await Stream.open(shared_server, visitor_token=v.token)):
        # Just under the limit: an ordinary frame, answered.
        await stream.ws.send(json.dumps({"type": "ping", "pad": "x" * (60 * KIB)}))
        assert (await stream.next(lambda f: f["type"] == "pong"))["type"] == "pong"
        await stream.ws.send(json.dumps({"type": "ping", "pad": "x" * (70 * KIB)}))
        with pytest.raises(ConnectionClosed) as closed:     # frames of other tests' visitors may come first
            await stream.next(lambda f: False, timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009   # message too big
    assert (await ana.get("/health")).status_code == 200


async def test_one_visitor_over_its_rate_gets_429_with_retry_after_and_others_do_not(server_factory):
    srv = server_factory("--visitor-rate", "5", "--address-rate", "0")
    v, other = await Visitor(srv).arrive(), await Visitor(srv).arrive()
    answers = [await v.post("/visitor/pageviews", {"url": f"https://shop.example/{i}"}) for i in range(8)]
    assert [r.status_code for r in answers[:5]] == [201] * 5
    limited = answers[-1]
    assert limited.status_code == 429
    assert limited.json()["error"] == "rate_limited" and "visitor" in limited.json()["message"]
    assert int(limited.headers["retry-after"]) >= 1
    r = await v.post("/visitor/conversations", {"client_msg_id": new_id(), "body": "hello?"})
    assert r.status_code == 429                      # every visitor call shares the one bucket
    assert (await other.post("/visitor/pageviews", {"url": "https://shop.example/"})).status_code == 201
    ana = await Operator.create(srv, "ana@example.com")
    assert (await ana.get("/queue")).status_code == 200          # operators are not rate limited


async def test_one_address_over_its_rate_gets_429_on_rest_and_on_the_visitor_stream(server_factory):
    srv = server_factory("--address-rate", "4", "--visitor-rate", "0")
    anon = Api(srv)
    codes = [(await anon.post("/visitor/sessions", {"url": "https://shop.example/"})).status_code for _ in range(6)]
    assert codes[:4] == [201] * 4 and codes[-1] == 429
    with pytest.raises(InvalidStatus) as refused:
        await connect(srv.ws_url + "/api/v1/visitor/stream", proxy=None)
    assert refused.value.response.status_code == 429
    assert json.loads(refused.value.response.body)["error"] == "rate_limited"
    assert int(refused.value.response.headers["Retry-After"]) >= 1
    assert (await anon.get("/health")).status_code == 200
    ana = await Operator.create(srv, "ana@example.com")           # login and desk calls still work
    assert (await ana.get("/me")).status_code == 200
    await anon.close()


async def test_the_visitor_stream_only_accepts_allowed_origins(server_factory):
    srv = server_factory("--allowed-origin", "https://shop.example")
    v = await Visitor(srv).arrive()
    same = f"http://127.0.0.1:{srv.port}"
    for origin in ("https://shop.example", "https://SHOP.example/", same, None):
        headers = {"Origin": origin} if origin else {}
        ws = await connect(srv.ws_url + "/api/v1/visitor/stream", proxy=None, additional_headers=headers)
        await ws.send(json.dumps({"type": "auth", "visitor_token": v.token}))
        assert json.loads(await ws.recv())["type"] == "ready", origin
        await ws.close()
    for origin in ("https://evil.example", "https://shop.example.evil.example", "null",
                   "http://127.0.0.1:1", "https://shop.example:8443", "http://[", "", "https://[::1"):
        with pytest.raises(InvalidStatus) as refused:
            await connect(srv.ws_url + "/api/v1/visitor/stream", proxy=None, additional_headers={"Origin": origin})
        assert refused.value.response.status_code == 403, origin
        assert json.loads(refused.value.response.body)["error"] == "forbidden_origin"


async def test_every_field_limit_holds_at_its_edge(shared_server):
    """At the limit: stored. One past it: 422 naming the field (docs/protocol.md, Errors)."""
    ana = await Operator.create(shared_server, "ana@example.com", role="supervisor")
    v = await Visitor(shared_server).arrive()
    cid = await v.start_chat("hi")
    await ana.accept(cid)

    def msg(body=None, cmid=None):
        return {"client_msg_id": cmid or new_id(), "body": body or "x"}

    edges = [  # (who, method, path, body at the limit, body one past it, field named in the refusal)
        (v, "POST", f"/visitor/conversations/{cid}/messages", msg("b" * 8000), msg("b" * 8001), "body"),
        (v, "POST", f"/visitor/conversations/{cid}/messages", msg(cmid="c" * 64), msg(cmid="c" * 65),
         "client_msg_id"),
        (v, "POST", "/visitor/conversations", {**msg(), "name": "n" * 120}, {**msg(), "name": "n" * 121}, "name"),
        (v, "POST", "/visitor/pageviews", {"url": "u" * 2048}, {"url": "u" * 2049}, "url"),
        (v, "POST", "/visitor/pageviews", {"url": "/", "title": "t" * 300}, {"url": "/", "title": "t" * 301},
         "title"),
        (v, "POST", "/visitor/pageviews", {"url": "/", "referrer": "r" * 2048},
         {"url": "/", "referrer": "r" * 2049}, "referrer"),
        (ana, "POST", f"/visitors/{v.id}/notes", {"body": "n" * 4000}, {"body": "n" * 4001}, "body"),
        (ana, "PATCH", f"/visitors/{v.id}", {"phone": "5" * 40}, {"phone": "5" * 41}, "phone"),
        (ana, "PATCH", f"/visitors/{v.id}", {"email": "e" * 254}, {"email": "e" * 255}, "email"),
        (ana, "POST", "/canned", {"shortcut": "s" * 40, "title": "t", "body": "b", "tags": ["t"] * 20},
         {"shortcut": "s" * 40, "title": "t", "body": "b", "tags": ["t"] * 21}, "tags"),
        (ana, "POST", f"/conversations/{cid}/messages", {**msg("w" * 8000), "kind": "note"},
         {**msg("w" * 8001), "kind": "note"}, "body"),
    ]
    for who, method, path, ok, too_big, field in edges:
        r = await who.http.request(method, path, json=ok)
        assert r.status_code < 300, (path, field, r.text[:200])
        r = await who.http.request(method, path, json=too_big)
        assert r.status_code == 422 and field in r.json()["message"], (path, field, r.text[:200])
    # Tags are trimmed to 40 characters each rather than refused.
    r = await ana.post("/canned", {"shortcut": "long", "title": "t", "body": "b", "tags": ["x" * 50]})
    assert r.json()["tags"] == ["x" * 40]
    # The sneak peek of a visitor's draft is cut to a message's length.
    desk = await Stream.open(shared_server, token=ana.token)
    stream = await Stream.open(shared_server, visitor_token=v.token)
    await stream.ws.send(json.dumps({"type": "typing", "is_typing": True, "text": "d" * 20000}))
    peek = await desk.next(lambda f: f["type"] == "typing" and f.get("conversation_id") == cid)
    assert peek["text"] == "d" * 8000
