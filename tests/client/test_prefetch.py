"""The first snapshot fetched before the desk has finished importing (chatdesk.client.prefetch):
the session starts from it without asking again, its stream picks up exactly where the snapshot
ends, and a prefetch that failed changes nothing (the session's own request says why)."""
from __future__ import annotations

import pytest

from chatdesk.client.api import ApiError, ApiUnavailable
from chatdesk.client.prefetch import HISTORY_PAGE, DeskPrefetch
from chatdesk.client.session import DeskSession
from chatdesk.protocol.models import DeskSnapshot
from tests.support.accounts import new_operator
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for


@pytest.mark.parametrize("taken_early", [False, True], ids=["in-start", "before-the-first-frame"])
async def test_the_session_starts_from_the_prefetch_and_its_stream_brings_what_came_after(shared_server, tmp_path,
                                                                                        taken_early):
    token = new_operator(shared_server, "Pia")
    visitor = await Visitor(shared_server.url, retry_for=10).arrive()
    boot = DeskSession(shared_server.url, token, state_dir=tmp_path)
    cid = await visitor.start_chat("before", name="Early")
    await boot.api.accept(cid)
    await boot.api.aclose()
    prefetch = DeskPrefetch(shared_server.url, token, HISTORY_PAGE)
    snap = DeskSnapshot.model_validate_json(await prefetch.body())
    assert [m.body for m in snap.open[0].detail.messages] == ["before"]
    for i in range(3):                               # written after the prefetch's snapshot
        await visitor.say(f"after {i}")
    session = DeskSession(shared_server.url, token, state_dir=tmp_path, prefetch=prefetch)
    try:
        if taken_early:            # what DeskApp does before composing its first screen
            assert session.take_prefetched()
            assert [m.body for m in session.store.conversations[cid].messages] == ["before"]
            assert not session.take_prefetched()          # once
        await session.start()
        assert session.api.requests == 0             # the snapshot came from the prefetch
        view = session.store.conversations[cid]
        await wait_for(lambda: len(view.messages) == 4, "the messages after the snapshot", timeout=10)
        assert [m.body for m in view.messages] == ["before", "after 0", "after 1", "after 2"]
        assert session.store.connection == "live"
    finally:
        await session.stop()
        await visitor.close()


async def test_a_prefetch_that_failed_leaves_the_session_to_ask_and_say_why(shared_server, tmp_path):
    refused = DeskPrefetch(shared_server.url, "not-a-token", HISTORY_PAGE)
    assert await refused.body() is None
    session = DeskSession(shared_server.url, "not-a-token", state_dir=tmp_path, prefetch=refused)
    assert not session.take_prefetched() and not session.store.conversations
    with pytest.raises(ApiError) as err:
        await session.start()
    assert err.value.status == 401 and session.api.requests == 1 and str(err.value).endswith(".")
    await session.stop()

    nobody = "http://127.0.0.1:9"                     # the discard port: nothing listens
    gone = DeskPrefetch(nobody, "token", HISTORY_PAGE, timeout=2)
    assert await gone.body() is None
    session = DeskSession(nobody, "token", state_dir=tmp_path, prefetch=gone, http_timeout=2)
    with pytest.raises(ApiUnavailable, match="not reachable"):
        await session.start()
    await session.stop()


@pytest.mark.parametrize("answer, expected", [
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n3;x=1\r\n 1}\r\n0\r\n\r\n", b'{"a": 1}'),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n{\"cut\": ", None),              # cut short
    (b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n\r\n{}", None),
    (b"garbage", None),
])
async def test_the_plain_http_prefetch_reads_chunks_and_refuses_what_is_incomplete(answer, expected):
    """The prefetch's own small HTTP/1.1 client against a loopback socket that answers as given."""
    import asyncio

    async def reply(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer)
        await writer.drain()
        writer.close()
    server = await asyncio.start_server(reply, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        got = await DeskPrefetch(f"http://127.0.0.1:{port}", "token", HISTORY_PAGE, timeout=5).body()
    assert got == expected
