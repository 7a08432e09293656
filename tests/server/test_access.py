"""Who may read what: operators, staff, visitors; tokens and logout."""
from __future__ import annotations

import asyncio

import pytest
from websockets.exceptions import ConnectionClosed

from tests.support.api import Api, Operator, new_id, operators
from tests.support.stream import Stream
from tests.support.visitor import Visitor


async def test_an_operator_cannot_read_a_conversation_that_is_not_theirs(shared_server):
    (ana, ben), (lead,) = await asyncio.gather(operators(shared_server, "ana", "ben"),
                                               operators(shared_server, "lead", role="supervisor"))
    v = await Visitor(shared_server).arrive()
    cid = await v.start_chat()
    assert (await ben.detail(cid)).status_code == 200          # queued: everyone may look
    await ana.accept(cid)
    r = await ben.detail(cid)
    assert r.status_code == 403 and r.json()["error"] == "forbidden" and r.json()["message"].endswith(".")
    assert (await ben.get(f"/visitors/{v.id}")).status_code == 403
    r = await ben.post(f"/conversations/{cid}/messages", {"client_msg_id": new_id(), "body": "hi"})
    assert r.status_code in (403, 409)
    assert (await ben.post(f"/conversations/{cid}/close", {})).status_code == 403
    assert (await lead.detail(cid)).status_code == 200
    assert (await ana.detail(cid)).status_code == 200
    assert cid not in [c["id"] for c in (await ben.ok("GET", "/conversations"))["conversations"]]
    assert cid in [c["id"] for c in (await lead.ok("GET", "/conversations"))["conversations"]]


async def test_a_visitor_cannot_read_another_visitors_conversation(shared_server):
    alice = await Visitor(shared_server).arrive()
    mallory = await Visitor(shared_server).arrive()
    cid = await alice.start_chat("my address is 1 Main St")
    r = await mallory.get(f"/visitor/conversations/{cid}")
    assert r.status_code == 404 and "Main St" not in r.text
    r = await mallory.post(f"/visitor/conversations/{cid}/messages", {"client_msg_id": new_id(), "body": "x"})
    assert r.status_code == 404
    # A visitor token is not an operator token, and the other way round.
    assert (await Api(shared_server, alice.token).get(f"/conversations/{cid}")).status_code == 401
    ana = await Operator.create(shared_server, "ana@example.com")
    assert (await Api(shared_server, ana.token).get(f"/visitor/conversations/{cid}")).status_code == 401
    # Sessions never hand out someone else's id: an unknown id gives a fresh visitor.
    fresh = await Visitor(shared_server).arrive(visitor_id="made-up-id")
    assert fresh.id != "made-up-id" and fresh.session["returning"] is False


async def test_logout_revokes_the_token_and_bad_logins_get_a_sentence(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com")
    desk = await Stream.open(shared_server, token=ana.token)
    assert (await ana.post("/auth/logout")).status_code == 200
    assert (await desk.next(lambda f: f["type"] == "error"))["error"] == "unauthorized"
    with pytest.raises(ConnectionClosed) as closed:
        await desk.next()
    assert closed.value.rcvd.code == 4401
    r = await ana.get("/me")
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    anon = Api(shared_server)
    r = await anon.post("/auth/login", {"email": ana.email, "password": "wrong-password"})
    assert r.status_code == 401 and r.json() == {"error": "bad_credentials",
                                                 "message": "The e-mail or password is wrong."}
    r = await anon.post("/auth/login", {"email": "nobody@example.com", "password": "x"})
    assert r.status_code == 401
    assert (await anon.get("/queue")).status_code == 401
    r = await anon.post("/auth/login", {"email": ana.email.upper(), "password": "secret-pass-1"})
    assert r.status_code == 200 and r.json()["operator"]["status"] == "online"
