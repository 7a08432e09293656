"""Chaos: a visitor and an operator talk through a proxy that cuts, delays and half-opens their
connections at random (seeded). Every message arrives exactly once and in seq order on both sides
(the desk's store, the visitor's websocket after its resume logic, the visitor's REST transcript),
and the operator's draft survives. The summary line is printed (run with -s to see it)."""
from __future__ import annotations

import os
import time

import pytest

from tests.support.chaos_exchange import Exchange
from tests.support.chaos_proxy import ChaosProxy

SEED = int(os.environ.get("CHATDESK_CHAOS_SEED", "20261123"))


async def chaos_run(server, tmp_path, cuts: int, interval: tuple[float, float]) -> Exchange:
    started = time.monotonic()
    proxy = await ChaosProxy(server.port, seed=SEED, hold_max=float(os.environ.get("CHATDESK_CHAOS_HOLD", "2.0"))).start()
    ex = Exchange(server, proxy, tmp_path, SEED)
    try:
        await ex.setup()
        chaos = proxy.start_chaos(cuts, interval=interval)
        await ex.run(chaos, timeout=30)
        await ex.settle()
        line = ex.summary(started)
        print("\n" + line)
        assert not ex.books.problems, f"{line}\n" + "\n".join(ex.books.problems[:20])
        assert proxy.cuts >= cuts and ex.books.rounds >= 3
        assert {"stream", "http"} <= set(proxy.hit), proxy.summary()   # both kinds of link were cut
        return ex
    finally:
        await ex.aclose()
        await proxy.stop()


@pytest.mark.timeout(60)
async def test_short_chaos(server, tmp_path):
    await chaos_run(server, tmp_path, cuts=60, interval=(0.03, 0.2))


@pytest.mark.slow
@pytest.mark.timeout(1800)
async def test_long_chaos(server, tmp_path):
    await chaos_run(server, tmp_path, cuts=1000, interval=(0.05, 0.25))


@pytest.mark.timeout(90)
async def test_chaos_with_a_short_event_log(server_factory, tmp_path):
    """The server keeps only 2 events: many reconnects come back too late to resume, so both
    sides go through `reset` and a REST reload again and again while messages keep flowing."""
    srv = server_factory("--keep-events", "2")
    ex = await chaos_run(srv, tmp_path, cuts=30, interval=(0.03, 0.2))
    assert ex.visitor.resets + ex.resets_desk() >= 1, "no reset happened: the test proved nothing"
