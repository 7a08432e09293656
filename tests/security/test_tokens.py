"""Tokens and passwords (docs/security.md): no token in a URL or a log line, tokens revocable one
by one, password guessing slowed without a lockout. Each test runs its own real server so that its
log and its login throttle belong to it alone."""
from __future__ import annotations

import hashlib
import json
import time

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support.api import Api, Operator, new_id
from tests.support.stream import Stream
from tests.support.visitor import Visitor

# The one route whose URL is its permission, by design: the signed, expiring, read-only link to one
# transcript that webhooks and mails carry (docs/security.md, docs/integrations.md).
SIGNED_LINK = ("/api/v1/transcript-links/{cid}", "sig")


def test_no_route_takes_a_secret_in_the_url(shared_server):
    schema = httpx.get(shared_server.url + "/openapi.json").json()
    assert SIGNED_LINK[0] in schema["paths"]
    for path, item in schema["paths"].items():
        assert "token" not in path.lower() and "password" not in path.lower(), path
        for operation in item.values():
            for param in operation.get("parameters", []):
                name = param["name"].lower()
                if (path, name) == SIGNED_LINK:
                    continue
                assert not any(s in name for s in ("token", "password", "secret", "key", "sig")), (path, param)


async def test_a_whole_session_leaves_no_token_or_password_in_the_server_log(server):
    password = "secret-pass-1"
    server.add_user("ana@example.com", "Ana", password=password)
    desk_a, desk_b = server.login("ana@example.com"), server.login("ana@example.com")
    ana, v = Operator(server, desk_a, "Ana"), await Visitor(server).arrive()
    op_stream = await Stream.open(server, token=desk_a)
    v_stream = await Stream.open(server, visitor_token=v.token)
    cid = await v.start_chat("hello")
    assert (await ana.accept(cid)).status_code == 200
    await ana.say(cid, "hi, how can I help?")
    await v_stream.ws.send(json.dumps({"type": "typing", "is_typing": True, "text": "my card is"}))
    await op_stream.next(lambda f: f["type"] == "typing")
    forged = "A" * 43
    assert (await Api(server, forged).get("/me")).status_code == 401          # failures, errors, 404s
    assert (await Api(server, desk_a).get("/conversations/99999")).status_code == 404
    assert (await Api(server, desk_a).post(f"/conversations/{cid}/messages", {"body": 1})).status_code == 422
    assert (await Api(server).post("/auth/login", {"email": "ana@example.com", "password": "guess"})).status_code == 401
    bad = await connect(server.ws_url + "/api/v1/stream", proxy=None)
    await bad.send(json.dumps({"type": "auth", "token": forged}))
    await bad.recv()
    await ana.post("/auth/logout")
    await op_stream.next(lambda f: f["type"] == "error")
    for s in (v_stream, bad):
        await s.close()
    server.stop()                                    # the log is complete once the server is gone

    log = server.log()
    assert "chatdesk server on" in log               # the right file, written by this server
    secrets = {"operator token A": desk_a, "operator token B": desk_b, "visitor token": v.token,
               "forged token": forged, "password": password}
    for label, secret in secrets.items():
        assert secret not in log, f"the {label} is in the server log"
        assert hashlib.sha256(secret.encode()).hexdigest() not in log, f"the {label}'s hash is in the log"


async def test_logout_revokes_exactly_that_token_on_rest_and_streams(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com")
    other_desk = Operator(shared_server, await _login(shared_server, ana.email), "Ana")
    live = await Stream.open(shared_server, token=ana.token)
    assert (await ana.post("/auth/logout")).status_code == 200
    assert (await live.next(lambda f: f["type"] == "error"))["error"] == "unauthorized"
    with pytest.raises(ConnectionClosed) as closed:
        await live.next()
    assert closed.value.rcvd.code == 4401
    assert (await ana.get("/me")).status_code == 401
    assert (await ana.post("/auth/logout")).status_code == 401           # revoked stays revoked
    ws = await connect(shared_server.ws_url + "/api/v1/stream", proxy=None)
    await ws.send(json.dumps({"type": "auth", "token": ana.token}))
    assert json.loads(await ws.recv())["error"] == "unauthorized"
    with pytest.raises(ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd.code == 4401
    # The same operator's other desk is untouched.
    assert (await other_desk.get("/me")).json()["email"] == ana.email
    still = await Stream.open(shared_server, token=other_desk.token)
    await still.close()
    # And an operator token is no visitor token, nor the other way round.
    v = await Visitor(shared_server).arrive()
    assert (await Api(shared_server, other_desk.token).post(
        "/visitor/conversations", {"client_msg_id": new_id(), "body": "x"})).status_code == 401
    assert (await Api(shared_server, v.token).get("/me")).status_code == 401


async def _login(srv, email: str) -> str:
    r = await Api(srv).post("/auth/login", {"email": email, "password": "secret-pass-1"})
    assert r.status_code == 200, r.text
    return r.json()["token"]


async def test_password_guessing_is_slowed_but_never_locks_the_owner_out(server):
    """The only timing here is a lower bound: the delay is the defence itself, and a slow machine
    can only make the attempt slower, never faster."""
    server.add_user("ana@example.com", "Ana")
    anon = Api(server)
    for i in range(4):
        r = await anon.post("/auth/login", {"email": "ana@example.com", "password": f"guess-{i}"})
        assert r.status_code == 401 and r.json()["error"] == "bad_credentials"
    started = time.monotonic()
    r = await anon.post("/auth/login", {"email": "ANA@example.com", "password": "guess-again"})
    assert r.status_code == 401
    assert time.monotonic() - started >= 0.95       # four recent failures: 4 x 0.25 s before the check
    r = await anon.post("/auth/login", {"email": "ana@example.com", "password": "secret-pass-1"})
    assert r.status_code == 200                      # no lockout: the owner still gets in
    await anon.close()
