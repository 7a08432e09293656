"""Several server processes on one database (issue 14): deliveries/s and event -> desk p99 with
1, 2 and 4 processes (`--cluster`; each desk stream and each writer on some process), how the
fan-out is woken (the bus's datagrams or the poll alone). Idle visitor websockets are
bench/idle.py's (run with these under `--only scale`, or alone with `--only idle`).

Latency is measured like the fan-out bench (bench/subscribers.py): from the POST's send time to
the frame's arrival, both on this machine's clock."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.common import ROOT, Server, child_env, new_visitor, open_chat, pct
from chatdesk.demo.local_server import free_port
from chatdesk.protocol.limits import API_PREFIX


@dataclass
class Group:
    """P server processes on one database (the SQLite file, or db_url), each on its own port."""
    processes: int
    extra: tuple[str, ...] = ()
    db_url: str = ""
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="chatdesk-bench-scale-")))
    servers: list[Server] = field(default_factory=list)
    module: str = "chatdesk"          # "bench.gc_probe": the same server, its collections timed

    def start(self) -> "Group":
        cluster = ("--cluster",) if self.processes > 1 else ()
        for _ in range(self.processes):
            srv = Server(workdir=self.workdir, port=free_port(), db_url=self.db_url, module=self.module)
            srv.start(*cluster, *self.extra, timeout=90)
            self.servers.append(srv)
        return self

    def stop(self) -> None:
        for srv in self.servers:
            srv.stop()


def _subscribers(urls: list[str], token: str, n: int, expect: int, tmp: Path) -> list:
    children = []
    for p, url in enumerate(urls):
        share = n // len(urls) + (1 if p < n % len(urls) else 0)
        args, out = tmp / f"sub{p}.json", tmp / f"sub{p}.out"
        args.write_text(json.dumps({"ws_url": url + API_PREFIX + "/stream", "token": token, "subscribers": share,
                                    "expect": expect, "timeout": 120}))
        children.append((subprocess.Popen([sys.executable, "-m", "bench.subscribers", str(args), str(out)],
                                          cwd=ROOT, env=child_env()), out))
    deadline = time.monotonic() + 120
    while not all(Path(str(out) + ".ready").exists() for _, out in children):
        if time.monotonic() > deadline or any(p.poll() is not None for p, _ in children):
            raise RuntimeError("subscribers did not connect")
        time.sleep(0.05)
    return children


def _fan_round(group: Group, subscribers: int, count: int, apart: bool = False, in_flight: int = 4,
               gap_s: float = 0.0) -> dict:
    """apart: write through the first process only, read on the others only (every delivery
    then needs the wake-up; with writers everywhere a process's own commits catch it up too).
    in_flight: POSTs at once (4: a throughput test, the writes queue behind each other); gap_s: a
    pause after each POST's answer (with in_flight 1, a shop's pace: one event at a time)."""
    srv = group.servers[0]
    token = srv.operator(f"fan{uuid.uuid4().hex[:6]}@bench.test", max_chats=4)
    readers = group.servers[1:] if apart else group.servers
    urls = [s.url for s in (group.servers[:1] if apart else group.servers)]
    writers = []
    for i, url in enumerate(urls):            # one visitor writing through each process
        with httpx.Client(base_url=url + API_PREFIX, timeout=30) as http:
            v = new_visitor(http, 1000 + i)
            writers.append((url, v, open_chat(http, v, "hello scale", f"Scale {i}")))
    tmp = Path(tempfile.mkdtemp(prefix="chatdesk-bench-scale-fan-"))
    children = _subscribers([s.ws_url for s in readers], token, subscribers, count, tmp)

    async def send() -> float:
        clients = [httpx.AsyncClient(base_url=url + API_PREFIX, timeout=60,
                                     headers={"Authorization": f"Bearer {v['token']}"}) for url, v, _ in writers]
        sem = asyncio.Semaphore(in_flight)
        t_first = time.time()

        async def one(i: int) -> None:
            async with sem:
                k = i % len(writers)
                r = await clients[k].post(f"/visitor/conversations/{writers[k][2]}/messages",
                                          json={"client_msg_id": uuid.uuid4().hex, "body": f"bf {i} {time.time_ns()}"})
                r.raise_for_status()
                if gap_s:
                    await asyncio.sleep(gap_s)
        try:
            await asyncio.gather(*(one(i) for i in range(count)))
        finally:
            for c in clients:
                await c.aclose()
        return t_first
    t_first = asyncio.run(send())
    lat, deliveries, last = [], 0, 0.0
    for proc, out in children:
        proc.wait(150)
        r = json.loads(out.read_text())
        lat += r["latencies_ms"]
        deliveries += r["deliveries"]
        last = max(last, r["last_at"])
    span = max(1e-6, last - t_first)
    return {"processes": group.processes, "subscribers": subscribers, "messages": count,
            "deliveries": deliveries, "expected": subscribers * count, "per_s": deliveries / span,
            "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99)}


def _postgres():
    """A throwaway Postgres cluster (the tests' own helper: Debian's binaries, a temporary
    folder, durability off), or None where there is none."""
    try:
        from tests.support.postgres import PostgresCluster, available
    except ImportError:
        return None
    return PostgresCluster().start() if available() else None


def run(processes: list[int], subscribers: int, count: int) -> dict:
    out: dict = {"rounds": [], "wake": []}

    def measure(p: int, engine: str, url: str = "", extra: tuple[str, ...] = (), apart: bool = False) -> dict:
        group = Group(p, extra, url).start()
        try:
            return {"engine": engine, **_fan_round(group, subscribers, count, apart)}
        finally:
            group.stop()
    out["rounds"].append(measure(1, "sqlite"))
    pg = _postgres()
    try:
        for p in processes if pg else []:
            out["rounds"].append(measure(p, "postgres", pg.fresh_database()))
        if pg:                                 # what wakes the fan-out, with 2 processes on Postgres
            for wake, extra in (("the bus (UDP)", ("--cluster-wake", "bus")),
                                ("LISTEN/NOTIFY", ("--cluster-wake", "notify")),
                                ("the poll alone, every 0.5 s", ("--cluster-wake", "poll", "--cluster-poll", "0.5")),
                                ("the poll alone, every 0.05 s", ("--cluster-wake", "poll", "--cluster-poll", "0.05"))):
                out["wake"].append({"wake": wake, **measure(2, "postgres", pg.fresh_database(), extra, apart=True)})
    finally:
        if pg:
            pg.stop()
    for p in (p for p in processes if p > 1):  # several processes on one SQLite file, for comparison
        out["rounds"].append(measure(p, "sqlite"))
    return out


def rows(r: dict, row) -> list[dict]:
    found = []
    for rd in r["rounds"]:
        found.append(row(f"scale: {rd['processes']} process{'es' if rd['processes'] > 1 else ''} "
                         f"({rd['engine']}), {rd['subscribers']} desks: deliveries/s",
                         f"{rd['per_s']:,.0f} ({rd['deliveries']}/{rd['expected']})"))
        found.append(row(f"scale: {rd['processes']} process{'es' if rd['processes'] > 1 else ''} "
                         f"({rd['engine']}): event->desk p50 / p99",
                         f"{rd['p50_ms']:.1f} / {rd['p99_ms']:.1f} ms"))
    for w in r["wake"]:
        found.append(row(f"scale: written on one process, read on another ({w['engine']}), woken by "
                         f"{w['wake']}: deliveries/s, p50 / p99",
                         f"{w['per_s']:,.0f}, {w['p50_ms']:.1f} / {w['p99_ms']:.1f} ms"))
    return found



