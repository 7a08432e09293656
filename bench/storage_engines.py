"""`uv run python -m bench.storage_engines [--n N] [--postgres URL]`: the storage boundary's cost on
each engine, in this process, through the server's own Database and Store (no HTTP): a read
snapshot with one statement, a write transaction with one event (the counter row and the advisory
lock on Postgres), and the same writes from 20 tasks at once (writes are serial on both engines;
on Postgres the round trips of the reads overlap). Without --postgres a throwaway cluster is made
with the tests' helper (Debian's postgresql binaries). Prints one table; figures in
docs/performance.md, "Storage engines"."""
from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from chatdesk.protocol import events as ev
from chatdesk.server.eventlog.hub import Hub
from chatdesk.server.eventlog.log import Store
from chatdesk.server.storage import schema
from chatdesk.server.storage.engine import open_database
from chatdesk.server.storage.migrations import migrate_async

CONCURRENT = 20


async def _timed(n: int, fn) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


async def measure(target: Path | str, n: int) -> dict[str, Any]:
    db = open_database(target)
    await migrate_async(db)
    store = Store(db, Hub())
    try:
        async def read() -> None:
            async with db.read() as conn:
                await conn.execute(select(func.count()).select_from(schema.operators))

        async def write() -> None:
            async with store.tx() as tx:
                await tx.emit(ev.OPERATOR_UPDATED, {"bench": True}, all_operators=True)

        await _timed(20, read)                # warm the pools and the statement caches
        await _timed(20, write)
        reads, writes = await _timed(n, read), await _timed(n, write)
        t = time.perf_counter()
        await asyncio.gather(*(write() for _ in range(n)))
        concurrent_writes = n / (time.perf_counter() - t)
        t = time.perf_counter()
        sem = asyncio.Semaphore(CONCURRENT)

        async def bounded_read() -> None:
            async with sem:
                await read()
        await asyncio.gather(*(bounded_read() for _ in range(n)))
        concurrent_reads = n / (time.perf_counter() - t)
        async with db.read() as conn:
            lo, hi, count = (await conn.execute(select(func.min(schema.events.c.event_id),
                                                       func.max(schema.events.c.event_id), func.count())
                                                .select_from(schema.events))).one()
        assert hi - lo + 1 == count, "event ids are dense"
    finally:
        await db.close()
    return {"read_p50_ms": statistics.median(reads), "read_p99_ms": _p99(reads),
            "write_p50_ms": statistics.median(writes), "write_p99_ms": _p99(writes),
            f"writes_per_s_{CONCURRENT}_tasks": concurrent_writes, f"reads_per_s_{CONCURRENT}_tasks": concurrent_reads}


def _p99(xs: list[float]) -> float:
    return sorted(xs)[max(0, int(len(xs) * 0.99) - 1)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.storage_engines", description=__doc__)
    p.add_argument("--n", type=int, default=500)
    p.add_argument("--postgres", default=None, help="an empty database's postgresql:// URL (default: a throwaway cluster)")
    args = p.parse_args(argv)
    cluster = None
    url = args.postgres
    if url is None:
        from tests.support.postgres import PostgresCluster
        cluster = PostgresCluster().start()
        url = cluster.empty_database()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results = {"sqlite": asyncio.run(measure(Path(tmp) / "bench.db", args.n)),
                       "postgres": asyncio.run(measure(url, args.n))}
    finally:
        if cluster is not None:
            cluster.stop()
    keys = list(results["sqlite"])
    print(f"{'':28} {'sqlite':>10} {'postgres':>10}")
    for k in keys:
        print(f"{k:28} {results['sqlite'][k]:10.2f} {results['postgres'][k]:10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
