"""The sweeps (auto-assign, requeue, missed chats) and the outbox run in exactly one process at a
time, the holder of the sweeper lease; when it is killed with -9 another process takes over within
5 s, and routing goes on; when it is stopped (SIGSTOP) past the lease's life and resumed, it does
not act on the lease it lost."""
from __future__ import annotations

import asyncio
import os
import re
import signal
import time

import httpx
import pytest

from tests.support.api import Operator
from tests.support.cluster import Cluster
from tests.support.stream import live_stream
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

TAKEOVER = 5.0


@pytest.fixture
def three(tmp_path):
    cl = Cluster(tmp_path / "chat.db", 3, extra_args=["--auto-assign"]).start()
    yield cl
    cl.stop()


async def routed(cl: Cluster, ana: Operator, via: int, body: str) -> None:
    """A chat started through process `via` is assigned to Ana by the sweeper, wherever it runs."""
    desk = await live_stream(cl[via], ana.token)
    v = await Visitor(cl[via]).arrive()
    cid = await v.start_chat(body)
    frame = await desk.next(lambda f: f["type"] == "conversation.assigned" and f["conversation_id"] == cid,
                            timeout=30)
    assert frame["data"]["conversation"]["operator_id"] == ana.id
    await desk.close()
    await v.close()


@pytest.mark.timeout(180)
async def test_one_sweeper_and_a_takeover_within_5_s_after_kill_9(three):
    await wait_for(lambda: len(three.members()) == 3 and three.holder() is not None, "three members, one sweeper")
    ana = await Operator.create(three[0], "ana@example.com", max_chats=20)
    await ana.status("online")
    holder = three.holder()
    assert holder is not None
    others = [i for i, s in enumerate(three.servers) if s is not holder]
    await routed(three, ana, others[0], "routed by the sweeper in another process")

    old = three.lease()
    killed_at = time.time()
    await asyncio.to_thread(holder.kill)
    await wait_for(lambda: (lease := three.lease()) is not None and lease[0] != old[0], "a new sweeper",
                   timeout=15)
    taken_at = three.lease()[2]
    print(f"\nsweeper take-over after kill -9: {taken_at - killed_at:.2f} s")
    assert taken_at - killed_at <= TAKEOVER
    assert three.holder() in [three[i] for i in others]
    await routed(three, ana, others[1], "routed by the new sweeper")
    await ana.close()


@pytest.mark.timeout(180)
async def test_a_clean_stop_hands_the_lease_on_at_once(three):
    await wait_for(lambda: three.holder() is not None, "a sweeper")
    holder = three.holder()
    assert holder is not None
    stopped_at = time.time()
    await asyncio.to_thread(holder.stop)
    await wait_for(lambda: three.holder() not in (None, holder), "the next sweeper", timeout=15)
    assert three.lease()[2] - stopped_at < 2.5      # one heartbeat, not the lease's TTL


TOOK = re.compile(r"cluster member (\S+) took the sweeper lease \(holding ([\d.]+)\)")
ENDED = re.compile(r"cluster member (\S+): sweeper holding ([\d.]+) ended: (\d+) sweep steps, "
                   r"the first at ([\d.]+), the last at ([\d.]+)")


def holdings(cl: Cluster) -> list[tuple[str, float, float, float]]:
    """(member, token, first step, last step) of every holding that ended, from the logs."""
    return sorted(((m, float(tok), float(first), float(last)) for srv in cl.servers
                   for m, tok, _n, first, last in ENDED.findall(srv.log())), key=lambda h: h[2])


@pytest.mark.timeout(180)
async def test_a_stopped_holder_never_acts_on_the_lease_it_lost(three):
    """SIGSTOP the holder past the lease's life, another process takes over, SIGCONT: the old
    holder's steps all lie before the take, nobody's steps overlap, and it knows it lost."""
    await wait_for(lambda: three.holder() is not None, "a sweeper")
    holder = three.holder()
    assert holder is not None and holder.proc is not None
    old = three.lease()
    os.kill(holder.proc.pid, signal.SIGSTOP)
    try:
        await wait_for(lambda: (lease := three.lease()) is not None and lease[0] != old[0], "a new sweeper",
                       timeout=30)
        await asyncio.sleep(1.0)               # the new holder sweeps while the old one is stopped
    finally:
        os.kill(holder.proc.pid, signal.SIGCONT)
    new = three.lease()
    r = await asyncio.to_thread(httpx.get, holder.url + "/api/v1/health", timeout=20)
    assert r.status_code == 200                # its loop runs again, and it serves on
    await asyncio.sleep(1.0)                   # time to act, were it to act on the lost lease
    three.stop()                               # clean stops log each holding's steps
    found = holdings(three)
    took = {float(tok): m for srv in three.servers for m, tok in TOOK.findall(srv.log())}
    assert took.get(old[2]) == old[0] and took.get(new[2]) == new[0]
    first_holding = [h for h in found if h[1] == old[2]]
    assert first_holding and first_holding[0][0] == old[0]
    assert first_holding[0][3] < new[2], (first_holding, new)     # its last step before the take
    for earlier, later in zip(found, found[1:], strict=False):
        assert earlier[3] < later[2], (earlier, later)             # one sweeper at a time
    assert any(h[1] == new[2] and h[0] == new[0] for h in found)
    for srv in three.servers:
        assert "Traceback" not in srv.log(), srv.log()[-3000:]
    assert "lost the sweeper lease to another process" in holder.log()   # and it knew
