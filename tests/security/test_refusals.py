"""The small refusals (docs/protocol.md, docs/security.md): JSON nested too deeply or with a number
too long gets the documented answer (`bad_frame` on a stream, which stays open; 422 `invalid` on
REST), and visitor-stream handshakes refused for their Origin take an address token and log one
line a minute per address. Real server, real HTTP and websockets."""
from __future__ import annotations

import json

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.support.api import Operator
from tests.support.stream import Stream
from tests.support.visitor import Visitor

DEEP = "[" * 20_000 + "]" * 20_000            # far past Python's recursion limit, under 64 KiB
LONG_NUMBER = '{"body": ' + "9" * 5_000 + "}"  # past Python's 4,300-digit limit for int()


async def test_deeply_nested_frames_get_bad_frame_and_both_streams_stay_open(shared_server):
    ana = await Operator.create(shared_server, "deep@example.com")
    v = await Visitor(shared_server).arrive()
    for stream in (await Stream.open(shared_server, token=ana.token),
                   await Stream.open(shared_server, visitor_token=v.token)):
        for raw in (DEEP, '{"type": "typing", "text": ' + DEEP + "}", LONG_NUMBER):
            await stream.ws.send(raw)
            answer = await stream.next(lambda f: f["type"] == "error")
            assert answer["error"] == "bad_frame" and answer["message"], answer
        await stream.ws.send(json.dumps({"type": "ping"}))
        assert (await stream.next(lambda f: f["type"] == "pong"))["type"] == "pong"
        await stream.close()


@pytest.mark.parametrize("raw, sentence", [(DEEP, "nested too deeply"), (LONG_NUMBER, "number in it is too long"),
                                           ('{"email": "x@example.com", "password": "' + "[" * 3000 + '"}', None)])
def test_rest_bodies_nested_too_deeply_or_with_a_number_too_long_get_422_invalid(shared_server, raw, sentence):
    for path in ("/api/v1/auth/login", "/api/v1/visitor/sessions"):
        r = httpx.post(shared_server.url + path, content=raw, headers={"content-type": "application/json"})
        if sentence is None:             # brackets inside a string are only text
            assert r.status_code in (401, 201, 422) and r.status_code < 500, r.text
            continue
        assert r.status_code == 422, r.text
        assert r.json()["error"] == "invalid" and sentence in r.json()["message"], r.json()


async def test_origin_refusals_count_against_the_address_limit_and_log_once_a_minute(server_factory):
    srv = server_factory("--address-rate", "5")
    url = srv.ws_url + "/api/v1/visitor/stream"
    statuses = []
    for _ in range(12):
        try:
            async with connect(url, origin="https://evil.example", proxy=None):
                statuses.append(101)
        except InvalidStatus as e:
            statuses.append(e.response.status_code)
    assert statuses[:5] == [403] * 5 and set(statuses[5:]) == {429}, statuses
    try:                              # the tokens are spent: a good origin waits its turn too
        async with connect(url, proxy=None):
            status = 101
    except InvalidStatus as e:
        status = e.response.status_code
    assert status == 429
    log = srv.log()
    assert log.count("origin not allowed") == 1, log
    assert "ERROR" not in log, log
