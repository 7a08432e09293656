"""The chaos proxy itself, against a plain TCP echo server: each fault does what it says, so the
chaos tests' figures mean something."""
from __future__ import annotations

import asyncio
import time

import pytest

from tests.support.chaos_proxy import ChaosProxy
from tests.support.waiting import wait_for


@pytest.fixture
async def echo():
    async def serve(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        try:
            while data := await r.read(65536):
                w.write(data)
                await w.drain()
        except OSError:
            pass
        finally:
            w.close()
    srv = await asyncio.start_server(serve, "127.0.0.1", 0)
    yield srv.sockets[0].getsockname()[1]
    srv.close()


@pytest.fixture
async def proxy(echo):
    p = await ChaosProxy(echo, seed=7, hold_max=1.0).start()
    yield p
    await p.stop()


async def connect(proxy):
    r, w = await asyncio.open_connection("127.0.0.1", proxy.port)
    return r, w


async def roundtrip(r, w, data: bytes) -> bytes:
    w.write(data)
    await w.drain()
    return await asyncio.wait_for(r.readexactly(len(data)), 5)


async def until_link(proxy):
    return await wait_for(lambda: proxy.links and proxy.links[0], "a link", timeout=2, interval=0.01)


async def read_to_eof(r, timeout=5.0) -> bytes:
    out = b""
    deadline = time.monotonic() + timeout
    while True:
        try:
            chunk = await asyncio.wait_for(r.read(65536), max(0.01, deadline - time.monotonic()))
        except ConnectionResetError:
            return out
        if not chunk:
            return out
        out += chunk


async def test_forwards_and_labels(proxy):
    r, w = await connect(proxy)
    assert (await roundtrip(r, w, b"GET /api/v1/stream HTTP/1.1\r\n\r\n")).startswith(b"GET")
    assert (await until_link(proxy)).kind == "stream"
    w.close()


@pytest.mark.parametrize("seed", [1, 2])   # reset or orderly close, whichever the rng picks
async def test_drop_closes_both_sides(proxy, seed):
    proxy.pick_rng.seed(seed)
    r, w = await connect(proxy)
    await roundtrip(r, w, b"hello")
    proxy.fault("drop", await until_link(proxy))
    assert await read_to_eof(r) == b""
    assert proxy.cuts == 1 and proxy.faults["drop"] == 1


async def test_halfopen_is_silent_then_closed(proxy):
    r, w = await connect(proxy)
    await roundtrip(r, w, b"hello")
    link = proxy.fault("halfopen", await until_link(proxy))
    w.write(b"anyone?")
    await w.drain()
    with pytest.raises(asyncio.TimeoutError):          # no echo, no close: a black hole
        await asyncio.wait_for(r.read(1), 0.3)
    assert not link.closed.is_set()
    assert await read_to_eof(r) == b""                 # hold_max later the proxy lets go
    assert link.closed.is_set()


async def test_midframe_passes_part_of_a_chunk_then_cuts(proxy):
    r, w = await connect(proxy)
    await roundtrip(r, w, b"x" * 10)
    proxy.fault("midframe", await until_link(proxy))
    w.write(b"y" * 5000)
    await w.drain()
    got = await read_to_eof(r)
    assert len(got) < 5000 and set(got) <= {ord("y")}
    assert proxy.cut_in_data == 1


async def test_delay_keeps_order_and_holds_bytes_back(proxy):
    proxy.delay_range = (0.2, 0.2)
    r, w = await connect(proxy)
    await roundtrip(r, w, b"a")
    proxy.fault("delay", await until_link(proxy))
    started = time.monotonic()
    w.write(b"1")
    await w.drain()
    assert await asyncio.wait_for(r.readexactly(1), 5) == b"1"
    assert time.monotonic() - started >= 0.2           # a lower bound: the bytes were held back
    for i in b"23456789":
        assert await roundtrip(r, w, bytes([i])) == bytes([i])
    assert proxy.cuts == 0 and proxy.faults["delay"] == 1
    w.close()


async def test_partition_refuses_until_healed(proxy):
    r, w = await connect(proxy)
    await roundtrip(r, w, b"before")
    proxy.partition()
    assert await read_to_eof(r) == b""
    r2, w2 = await connect(proxy)
    assert await read_to_eof(r2) == b""
    proxy.heal()
    r3, w3 = await connect(proxy)
    assert await roundtrip(r3, w3, b"after") == b"after"
    w3.close()


async def test_random_chaos_applies_the_cuts_it_was_asked_for(proxy):
    conns = [await connect(proxy) for _ in range(3)]
    chaos = proxy.start_chaos(6, interval=(0.01, 0.03))
    # keep connections coming while the chaos runs
    while not chaos.done():
        if len([link for link in proxy.links if not link.closed.is_set()]) < 3:
            conns.append(await connect(proxy))
        await asyncio.sleep(0.01)
    await chaos
    assert proxy.cuts == 6 and "cuts 6" in proxy.summary()
