"""Hypothesis on the server's frame handling: random frames (JSON of any shape, known frame types
with fields of the wrong type, huge numbers, text that is not JSON, binary) on both real streams.
Before auth they get `unauthorized` and close 4401; after auth the stream stays open and still
answers every ping; the server logs no failure and REST keeps answering."""
from __future__ import annotations

import asyncio
import json
import os

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12)
TYPED = st.fixed_dictionaries(
    {"type": st.sampled_from(["auth", "resume", "ping", "pong", "typing", "ready", "error", "reset", "x", ""])
     | JSON},
    optional={"after": st.integers(-2 ** 70, 2 ** 70) | JSON, "conversation_id": st.integers(-2 ** 70, 2 ** 70) | JSON,
              "is_typing": JSON, "text": TEXT | JSON, "token": JSON, "visitor_token": JSON})
FRAME = st.one_of(TYPED.map(json.dumps), JSON.map(json.dumps), TEXT, st.binary(max_size=300))
SETTINGS = settings(max_examples=int(os.environ.get("CHATDESK_FUZZ_EXAMPLES", "30")), deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def creds(shared_server):
    op = shared_server.operator("fuzz-op@example.com", "Fuzz Op")
    r = httpx.post(shared_server.url + "/api/v1/visitor/sessions", json={"url": "https://shop.example/"})
    token = r.json()["visitor_token"]
    r = httpx.post(shared_server.url + "/api/v1/visitor/conversations", headers={"Authorization": f"Bearer {token}"},
                   json={"client_msg_id": "fuzz-1", "body": "hello"})
    assert r.status_code == 201
    return {"/api/v1/stream": {"type": "auth", "token": op},
            "/api/v1/visitor/stream": {"type": "auth", "visitor_token": token}}


def _pings(frames: list) -> int:
    """How many of `frames` the server must answer with a pong (it decodes bytes as JSON too)."""
    count = 0
    for raw in frames:
        try:
            value = json.loads(raw)
        except (TypeError, ValueError):
            continue
        count += isinstance(value, dict) and value.get("type") == "ping"
    return count


async def _after_auth(url: str, auth: dict, frames: list) -> None:
    async with connect(url, proxy=None, max_size=None) as ws:
        await ws.send(json.dumps(auth))
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "ready"
        for raw in frames:
            await ws.send(raw)
        await ws.send(json.dumps({"type": "ping"}))
        expected, pongs = _pings(frames) + 1, 0
        while pongs < expected:                 # replays and error frames may come in between
            frame = json.loads(await asyncio.wait_for(ws.recv(), 15))
            pongs += frame.get("type") == "pong"
            assert frame.get("type") != "error" or frame.get("error") == "bad_frame", frame


async def _before_auth(url: str, first) -> None:
    async with connect(url, proxy=None, max_size=None) as ws:
        await ws.send(first)
        frame = json.loads(await asyncio.wait_for(ws.recv(), 15))
        assert frame["type"] == "error" and frame["error"] == "unauthorized", frame
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 15)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


@pytest.mark.parametrize("path", ["/api/v1/stream", "/api/v1/visitor/stream"])
@SETTINGS
@given(frames=st.lists(FRAME, min_size=1, max_size=10))
def test_random_frames_after_auth_never_break_the_stream(shared_server, creds, path, frames):
    asyncio.run(_after_auth(shared_server.ws_url + path, creds[path], frames))


@pytest.mark.parametrize("path", ["/api/v1/stream", "/api/v1/visitor/stream"])
@SETTINGS
@given(first=FRAME)
def test_a_random_first_frame_is_refused_with_4401(shared_server, path, first):
    asyncio.run(_before_auth(shared_server.ws_url + path, first))


def test_the_server_logged_no_failure_and_still_answers(shared_server, creds):
    """Runs after the fuzz above (same module, same server)."""
    log = shared_server.log()
    assert "Traceback" not in log and "stream task failed" not in log and "unhandled error" not in log, log[-3000:]
    assert httpx.get(shared_server.url + "/api/v1/health").json() == {"ok": True}
