"""Chaos across processes: 3 server processes on one Postgres database (and, shorter, on one
SQLite file) behind a real HAProxy, 20 desks and
100 visitors talking through it (so each lands on some process), one process killed with -9
every 10 s and started again. Lost 0, duplicated 0, every desk's resume gap-free, the sweeper
taken over within 5 s each time, no rate limit exceeded N-fold. The summary line is printed (-s)."""
from __future__ import annotations

import os
import time

import pytest

from tests.support.chaos_cluster import FLOOD_RATE, ClusterChaos
from tests.support.cluster import Cluster
from tests.support.haproxy import HAProxy

SEED = int(os.environ.get("CHATDESK_CHAOS_SEED", "20261203"))
PROCESSES = 3
pytestmark = pytest.mark.skipif(HAProxy.binary() is None, reason="needs haproxy (apt-get install haproxy)")


async def cluster_chaos(tmp_path, db_url: str, kills: int, every: float = 10.0, desks: int = 20,
                        visitors: int = 100) -> None:
    """db_url: a Postgres database, or "" for one SQLite file."""
    started = time.monotonic()
    cluster = Cluster(tmp_path / "chat.db", PROCESSES, db_url=db_url, extra_args=[
        "--auto-assign", "--connections-per-address", "0", "--address-rate", "0",
        "--visitor-timeout", "100000", "--login-per-address", "0", "--visitor-rate", str(FLOOD_RATE),
        # behind the balancer every client has its address: per-address caps would count them as one
        "--new-chats-per-address", "0", "--chats-per-address", "0"]).start()
    lb = HAProxy(tmp_path, [s.port for s in cluster.servers]).start()
    chaos = ClusterChaos(cluster, lb, tmp_path, desks=desks, visitors=visitors, seed=SEED)
    try:
        phases: list[tuple[str, float]] = [("start", time.monotonic() - started)]
        for name, step in (("setup", chaos.setup), ("traffic", lambda: chaos.run(kills, every)),
                           ("settle", chaos.settle), ("check", chaos.check), ("flood", chaos.flood)):
            at = time.monotonic()
            await step()
            phases.append((name, time.monotonic() - at))
        b = chaos.books
        line = chaos.summary(started) + " (" + ", ".join(f"{n} {s:.0f} s" for n, s in phases) + ")"
        print("\n" + line)
        assert not b.problems, f"{line}\n" + "\n".join(b.problems[:20])
        assert b.lost == 0 and b.duplicated == 0 and b.out_of_order == 0
        assert chaos.gaps() == 0, line
        assert len(b.kills) == kills and len(b.takeovers) >= 1
        assert all(t <= 5.0 for t in b.takeovers), b.takeovers
        one_process = FLOOD_RATE + b.flood_seconds * FLOOD_RATE / 60
        assert b.flood_refused > 0 and b.flood_admitted <= 1.25 * one_process + 5, line
        for srv in cluster.servers:
            assert "Traceback" not in srv.log(), srv.log()[-3000:]
    finally:
        await chaos.aclose()
        lb.stop()
        cluster.stop()


@pytest.mark.timeout(300)
async def test_short_cluster_chaos_on_postgres(tmp_path, postgres_url):
    await cluster_chaos(tmp_path, postgres_url, kills=2)    # one holder kill, one at random


@pytest.mark.slow           # the suite's budget: the Postgres run above is the set-up
@pytest.mark.timeout(300)
async def test_short_cluster_chaos_on_one_sqlite_file(tmp_path):
    await cluster_chaos(tmp_path, "", kills=3)


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_two_minutes_of_cluster_chaos_on_postgres(tmp_path, postgres_url):
    await cluster_chaos(tmp_path, postgres_url, kills=12)
