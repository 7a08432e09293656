"""`uv run python -m bench.presence [--visitors N] [--churn K] [--postgres URL|--no-postgres]`: what
the cross-process `connected` flag (server/cluster/presence.py) adds to a cluster heartbeat, in
this process through the server's own Database, Membership and Presence (no HTTP): member A holds
N visitor streams, member B follows it. Figures (ms, median of 20 beats unless said):

- A's heartbeat write when nothing changed: the member row's statements as before, plus the set
  difference over N (presence writes no statement then);
- A's first write of N open streams (one batch), and B's whole read of them;
- A's write when K streams closed and K opened since the last beat, and B's read of the change;
- B's heartbeat read when nothing changed: the live members as before (now with their change
  numbers), no presence statement;
- the Visitors list's share: N visitors on the site by heartbeats alone (no stream), each beating
  every 10 s, for 60 s: A's write per beat (the rows whose last activity moved by the step,
  presence.seen_step, about N/60 a beat) and B's read of them, and the write with no heartbeat
  since the last beat (the scan over the activity, no statement).

Without --postgres a throwaway cluster is made with the tests' helper (Debian's binaries); figures
in docs/performance.md, "Several processes: the connected flag"."""
from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from chatdesk.server.cluster.members import Membership, live_peers
from chatdesk.server.cluster.presence import Presence
from chatdesk.server.eventlog.hub import Hub, Subscriber
from chatdesk.server.storage.engine import open_database
from chatdesk.server.storage.migrations import migrate_async

IDLE = 60.0          # --browsing-idle's default
BEAT_EVERY = 10.0    # the widget's heartbeat


class Member:
    def __init__(self, db: Any, port: int) -> None:
        self.db, self.hub = db, Hub()
        self.activity: dict[str, float] = {}
        self.membership = Membership("127.0.0.1", port)
        self.presence = Presence(self.hub, self.membership.member_id, self.activity, IDLE)
        self.subs: list[Subscriber] = []

    async def write(self, now: float) -> float:
        t = time.perf_counter()
        async with self.db.write() as conn:
            rejoined = await self.membership.beat(conn, now)
            await self.presence.write(conn, now, rejoined=rejoined)
        return (time.perf_counter() - t) * 1000

    async def follow(self, now: float) -> float:
        t = time.perf_counter()
        async with self.db.read() as conn:
            await self.presence.follow(conn, await live_peers(conn, self.membership.member_id, now))
        return (time.perf_counter() - t) * 1000

    def open(self, vid: str) -> None:
        sub = Subscriber(accepts=lambda row: False, visitor_id=vid)
        self.hub.subscribe(sub)
        self.subs.append(sub)

    def close_oldest(self) -> None:
        self.hub.unsubscribe(self.subs.pop(0))


async def measure(target: Path | str, visitors: int, churn: int) -> dict[str, float]:
    db = open_database(target)
    await migrate_async(db)
    a, b = Member(db, 1), Member(db, 2)
    now = time.time()
    try:
        await a.write(now)
        await b.write(now)
        await b.follow(now)
        for i in range(visitors):
            a.open(f"v{i}")
        first_write = await a.write(now)
        whole_read = await b.follow(now)
        assert sum(b.presence.connected(f"v{i}") for i in range(visitors)) == visitors
        idle_w, idle_f, churn_w, churn_f = [], [], [], []
        n = visitors
        for _ in range(20):
            now += 0.5
            idle_w.append(await a.write(now))
            idle_f.append(await b.follow(now))
            for _ in range(churn):
                a.close_oldest()
                a.open(f"v{n}")
                n += 1
            now += 0.5
            churn_w.append(await a.write(now))
            churn_f.append(await b.follow(now))
        assert all(b.presence.connected(s.visitor_id or "") for s in a.subs)
    finally:
        await db.close()
    med = statistics.median
    return {"beat's write, nothing changed": med(idle_w), f"first write of {visitors}": first_write,
            f"peer reads {visitors} whole": whole_read, f"write, {churn} closed + {churn} opened": med(churn_w),
            "peer reads the change": med(churn_f), "peer's read, nothing changed": med(idle_f),
            "whole reads by the peer": float(b.presence.reloads)}


async def measure_site(target: Path | str, visitors: int) -> dict[str, float]:
    db = open_database(target)
    await migrate_async(db)
    a, b = Member(db, 1), Member(db, 2)
    now = time.time()
    try:
        for i in range(visitors):          # arrivals spread over one heartbeat period
            a.activity[f"h{i}"] = now - BEAT_EVERY * i / visitors
        await a.write(now)
        await b.write(now)
        await b.follow(now)
        assert len(b.presence.on_site_elsewhere()) == visitors
        writes, reads, idle_w, rows = [], [], [], []
        for k in range(1, 121):            # 60 s of half-second beats
            beat = now + 0.5 * k
            for i in range(visitors):      # the visitors whose heartbeat fell in this half second
                if a.activity[f"h{i}"] + BEAT_EVERY <= beat:
                    a.activity[f"h{i}"] = beat
            writes.append(await a.write(beat))
            rows.append(float(sum(1 for h in a.presence.written.values() if h[1] == beat)))
            reads.append(await b.follow(beat))
            idle_w.append(await a.write(beat))   # again, nothing moved since
        assert b.presence.last_seen("h0", beat) == a.presence.last_seen("h0", beat)
    finally:
        await db.close()
    med = statistics.median
    return {f"site: write, {visitors} beating": med(writes), "site: rows written a beat": statistics.mean(rows),
            "site: peer reads them": med(reads), "site: write, no beat since": med(idle_w)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.presence", description=__doc__)
    p.add_argument("--visitors", type=int, default=2000)
    p.add_argument("--churn", type=int, default=50)
    p.add_argument("--postgres", default=None, help="an empty database's postgresql:// URL (default: a throwaway cluster)")
    p.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = p.parse_args(argv)
    cluster, url = None, args.postgres
    if url is None and not args.no_postgres:
        from tests.support.postgres import PostgresCluster
        cluster = PostgresCluster().start()
        url = cluster.empty_database()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results = {"sqlite": asyncio.run(measure(Path(tmp) / "bench.db", args.visitors, args.churn))}
            results["sqlite"] |= asyncio.run(measure_site(Path(tmp) / "site.db", args.visitors))
            if url:
                results["postgres"] = asyncio.run(measure(url, args.visitors, args.churn))
                if cluster is not None:       # on a database of its own (a given URL has one)
                    results["postgres"] |= asyncio.run(measure_site(cluster.empty_database(), args.visitors))
    finally:
        if cluster is not None:
            cluster.stop()
    engines = list(results)
    print(f"{'ms':34}" + "".join(f"{e:>10}" for e in engines))
    for k in results["sqlite"]:
        print(f"{k:34}" + "".join(f"{results[e][k]:10.2f}" if k in results[e] else f"{'-':>10}" for e in engines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
