"""Idle visitor websockets at scale (issue 14): how many one server process holds under 1 GB RSS,
and 10,000 spread over 4 `--cluster` processes on one Postgres, each time with an operator's
event -> desk p99 taken while they sit. The visitors come from several client processes
(bench/idle_child.py: the widget's own session and stream opening), one per server process: at
~5 ms of client CPU a visitor, one asyncio client for 10,000 would compete with 4 servers for 2 cores.

    uv run python -m bench --only idle       # this part alone (about 20 minutes; --only scale runs it too)
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.common import ROOT, child_env, cpu_seconds, rss_mb
from chatdesk.server.security.accept import FD_HEADROOM

GB_MB = 1024.0
OPEN_FILES = 65_536          # each server and each client process: one file per socket
STAFF_RESERVE = 64           # the servers' connections kept for staff (the probe's desks need a few)
MARGIN = 100                 # connections left for the probe's own visitors and requests


def raise_open_file_limit(wanted: int = OPEN_FILES) -> tuple[int, int]:
    """Soft and hard RLIMIT_NOFILE up to `wanted` where allowed (the hard limit rises only as
    root); the children (servers, clients) inherit it. Returns the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for target in ((max(hard, wanted), max(hard, wanted)), (hard, hard)):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, target)
            break
        except (ValueError, OSError):
            continue
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def visitor_room() -> int:
    """How many visitor connections one server takes under the open-file limit now in force."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return min(OPEN_FILES, soft) - FD_HEADROOM - STAFF_RESERVE - MARGIN


def server_args() -> tuple[str, ...]:
    return ("--max-connections", str(OPEN_FILES), "--staff-reserve", str(STAFF_RESERVE))


def say(text: str) -> None:
    print(f"[bench] idle: {text} (load {load_average()[0]})", file=sys.stderr, flush=True)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


@dataclass
class Wave:
    """Client processes holding idle visitors on the given servers, steered through files."""
    base_urls: list[str]
    ws_urls: list[str]
    count: int
    clients: int
    first: int = 0
    tmp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="chatdesk-bench-idle-")))
    children: list[tuple[subprocess.Popen, Path]] = field(default_factory=list)

    def start(self) -> "Wave":
        for c in range(self.clients):
            share = self.count // self.clients + (1 if c < self.count % self.clients else 0)
            args, out = self.tmp / f"idle{c}.json", self.tmp / f"idle{c}.out"
            args.write_text(json.dumps({"base_urls": self.base_urls, "ws_urls": self.ws_urls, "count": share,
                                        "first": self.first + c * 1_000_000, "hold": 3600}))
            self.children.append((subprocess.Popen([sys.executable, "-m", "bench.idle_child", str(args), str(out)],
                                                   cwd=ROOT, env=child_env()), out))
        return self

    def _wait(self, suffix: str, timeout: float) -> list[dict]:
        deadline = time.monotonic() + timeout
        while not all(Path(f"{out}.{suffix}").exists() for _, out in self.children):
            if time.monotonic() > deadline or any(p.poll() is not None for p, _ in self.children):
                raise RuntimeError(f"the idle visitors' clients did not reach {suffix!r} (see {self.tmp})")
            time.sleep(0.2)
        time.sleep(0.1)                                   # the file is written before its marker
        return [json.loads((out if suffix == "ready" else Path(f"{out}.{suffix}")).read_text())
                for _, out in self.children]

    def sessions(self, timeout: float = 900) -> dict:
        t0 = time.monotonic()
        parts = self._wait("sessions", timeout)
        return {"sessions": sum(p["sessions"] for p in parts), "failed": sum(p["failed"] for p in parts),
                "seconds": time.monotonic() - t0}

    def open(self, timeout: float = 900) -> dict:
        """Opens every stream (all clients at once); what opened, what failed, and how long."""
        t0 = time.monotonic()
        for _, out in self.children:
            Path(f"{out}.go").write_text("go")
        parts = self._wait("ready", timeout)
        errors: dict[str, int] = {}
        for p in parts:
            for k, v in p["errors"].items():
                errors[k] = errors.get(k, 0) + v
        return {"open": sum(p["open"] for p in parts), "failed": sum(p["failed"] for p in parts),
                "seconds": time.monotonic() - t0, "slowest_client_s": max(p["seconds"] for p in parts),
                "errors": errors}

    def stop(self) -> dict:
        """Asks every client to count what is still open, then ends them."""
        for _, out in self.children:
            Path(f"{out}.stop").write_text("stop")
        done: list[dict] = []
        try:
            done = self._wait("done", 120)
        except RuntimeError:
            pass
        for proc, _ in self.children:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return {"still_open": sum(d["still_open"] for d in done), "client_cpu_s": sum(d["cpu_seconds"] for d in done),
                "client_rss_mb": [round(d["max_rss_mb"]) for d in done]}


def server_figures(servers) -> list[dict]:
    return [{"rss_mb": rss_mb(s.pid), "cpu_s": cpu_seconds(s.pid)} for s in servers]


def full_collections(group, since: float, until: float = float("inf")) -> dict:
    """The servers' full garbage collections (bench/gc_probe.py) in a time span: count, longest."""
    from bench.gc_probe import pauses
    full = [p for p in pauses(group.workdir / "server.log", since, until) if p["gen"] == 2]
    return {"count": len(full), "longest_ms": max((p["ms"] for p in full), default=0.0)}


PACE_S = 0.05    # the paced probe: one POST at a time, 50 ms after each answer (~15 events a second)


def probes(group, rounds: int, messages: int) -> list[dict]:
    """An operator's event -> desk, `rounds` times, taken while the idle visitors sit: one desk per
    process, a visitor writing through each (scale._fan_round). Twice a round: paced (one event at
    a time: what an operator waits for, the figure the target is judged on) and as a burst (four
    POSTs always in flight: the writes queue behind each other, a throughput test); with the full
    garbage collections any server made meanwhile."""
    from bench.scale import _fan_round
    found = []
    for _ in range(rounds):
        load, t0 = load_average(), time.time()
        paced = _fan_round(group, len(group.servers), messages, in_flight=1, gap_s=PACE_S)
        burst = _fan_round(group, len(group.servers), messages, in_flight=4)
        found.append({"p50_ms": paced["p50_ms"], "p99_ms": paced["p99_ms"],
                      "burst_p50_ms": burst["p50_ms"], "burst_p99_ms": burst["p99_ms"],
                      "deliveries": paced["deliveries"] + burst["deliveries"],
                      "expected": paced["expected"] + burst["expected"], "load_average": load,
                      "full_gc": full_collections(group, t0, time.time())})
    return found


def _p99s(found: list[dict], key: str = "p99_ms") -> str:
    return ", ".join(f"{p[key]:.0f}" for p in found)


def spread(pg_url: str, processes: int, visitors: int, clients: int, rounds: int, messages: int) -> dict:
    """`visitors` idle visitors over `processes` cluster processes on one Postgres."""
    from bench.scale import Group
    group = Group(processes, server_args(), pg_url, module="bench.gc_probe").start()
    ready = time.time()
    out: dict = {"processes": processes, "visitors": visitors, "clients": clients, "load_start": load_average()}
    try:
        time.sleep(1.0)
        out["start"] = server_figures(group.servers)
        out["probe_before"] = probes(group, 1, messages)
        wave = Wave([s.url for s in group.servers], [s.ws_url + "/api/v1/visitor/stream" for s in group.servers],
                    visitors, clients).start()
        try:
            out["sessions"] = wave.sessions()
            say(f"{out['sessions']['sessions']:,} sessions in {out['sessions']['seconds']:.0f} s")
            time.sleep(1.0)
            out["after_sessions"] = server_figures(group.servers)
            out["streams"] = wave.open()
            time.sleep(3.0)
            out["after_streams"] = server_figures(group.servers)
            say(f"{out['streams']['open']:,} streams open ({out['streams']['failed']} failed) in "
                f"{out['streams']['seconds']:.0f} s; RSS " + ", ".join(f"{f['rss_mb']:.0f}" for f in out["after_streams"]))
            t0, cpu0 = time.monotonic(), [f["cpu_s"] for f in out["after_streams"]]
            time.sleep(20.0)                            # sitting: what does an idle socket cost?
            idle_s = time.monotonic() - t0
            out["idle_cpu_pct"] = [100 * (f["cpu_s"] - c) / idle_s
                                   for f, c in zip(server_figures(group.servers), cpu0, strict=True)]
            out["probes"] = probes(group, rounds, messages)
            out["after_probes"] = server_figures(group.servers)
            say(f"event->desk p99 paced {_p99s(out['probes'])} ms, burst {_p99s(out['probes'], 'burst_p99_ms')} ms; "
                "full collections meanwhile " + ", ".join(str(p["full_gc"]["count"]) for p in out["probes"]))
        finally:
            out["clients_end"] = wave.stop()
    finally:
        group.stop()
    out["load_end"] = load_average()
    out["full_gc_all_run"] = full_collections(group, ready)
    opened = max(1, out["streams"]["open"])
    grew = sum(a["rss_mb"] - b["rss_mb"] for a, b in zip(out["after_streams"], out["after_sessions"], strict=True))
    out["per_connection_kb"] = grew * 1024 / opened
    out["per_visitor_kb"] = sum(a["rss_mb"] - b["rss_mb"] for a, b in zip(out["after_streams"], out["start"],
                                                                         strict=True)) * 1024 / opened
    return out


def ramp(pg_url: str, step: int, limit: int, rounds: int, messages: int) -> dict:
    """One process: idle visitors added `step` at a time (a new client process each step) until its
    RSS passes 1 GB, a stream fails, or `limit` are open (at most what the open-file limit lets the
    server take); RSS and the p99 after each step."""
    from bench.scale import Group
    room = visitor_room()
    if room < limit:
        limit = room
    group = Group(1, server_args(), pg_url, module="bench.gc_probe").start()
    ready = time.time()
    srv = group.servers[0]
    steps: list[dict] = []
    waves: list[Wave] = []
    out: dict = {"step": step, "limit": limit, "load_start": load_average()}
    stopped_by = f"the limit of {limit:,} ({'the open-file limit' if limit == room else 'the bench'})"
    try:
        time.sleep(1.0)
        out["start_rss_mb"] = rss_mb(srv.pid)
        total = 0
        while total < limit:
            wave = Wave([srv.url], [srv.ws_url + "/api/v1/visitor/stream"], min(step, limit - total), 1,
                        first=10_000_000 * (len(waves) + 1)).start()
            waves.append(wave)
            try:
                sessions = wave.sessions()
                opened = wave.open()
                total += opened["open"]
                time.sleep(2.0)
                found = {"open": total, "failed": opened["failed"] + sessions["failed"], "errors": opened["errors"],
                         "open_s": opened["seconds"], "rss_mb": rss_mb(srv.pid)}
                found["probes"] = probes(group, rounds, messages)
                found["rss_after_probe_mb"] = rss_mb(srv.pid)
            except (RuntimeError, OSError, httpx.HTTPError) as exc:      # what stopped it is the figure
                stopped_by = f"an error at {total:,} open: {exc!r}"[:300]
                break
            steps.append(found)
            p99s = f"paced {_p99s(found['probes'])}, burst {_p99s(found['probes'], 'burst_p99_ms')}"
            gcs = ", ".join(f"{p['full_gc']['count']} ({p['full_gc']['longest_ms']:.0f} ms)" for p in found["probes"])
            say(f"one process, {total:,} open, RSS {found['rss_mb']:.0f} MB, event->desk p99 {p99s} ms; "
                f"full collections during the probes (longest) {gcs}")
            if found["failed"]:
                stopped_by = f"{found['failed']} failed ({found['errors']})"
                break
            if found["rss_mb"] >= GB_MB:
                stopped_by = "1 GB RSS"
                break
    finally:
        for wave in waves:
            wave.stop()
        group.stop()
    out["steps"] = steps
    out["stopped_by"] = stopped_by
    out["full_gc_all_run"] = full_collections(group, ready)
    out["load_end"] = load_average()
    under = [s for s in steps if s["rss_mb"] < GB_MB]
    out["most_under_1gb"] = under[-1]["open"] if under else 0
    return out


def run(processes: int = 4, visitors: int = 10_000, clients: int = 4, ramp_step: int = 2_000,
        ramp_limit: int = 24_000, rounds: int = 3, messages: int = 100) -> dict:
    from bench.scale import _postgres
    limit = raise_open_file_limit()
    pg = _postgres()
    if pg is None:
        return {"skipped": "no Postgres binaries"}
    out: dict = {"open_files": list(limit)}
    try:
        try:
            out["spread"] = spread(pg.fresh_database(), processes, visitors, clients, rounds, messages)
        except (RuntimeError, OSError, httpx.HTTPError) as exc:     # the ramp still runs; the table says so
            out["spread_error"] = repr(exc)[:300]
        if ramp_step:
            out["ramp"] = ramp(pg.fresh_database(), ramp_step, ramp_limit, rounds, messages)
    finally:
        pg.stop()
    return out


def rows(r: dict, row) -> list[dict]:
    found: list[dict] = []
    sp = r.get("spread")
    if sp:
        st = sp["streams"]
        found.append(row(f"idle: {sp['visitors']:,} visitors over {sp['processes']} processes "
                         f"({sp['clients']} client processes): open / failed",
                         f"{st['open']:,} / {st['failed']} in {st['seconds']:.0f} s"))
        found.append(row("  RSS per process with them (MB)",
                         ", ".join(f"{f['rss_mb']:.0f}" for f in sp["after_streams"])))
        found.append(row("  memory per idle visitor websocket", f"{sp['per_connection_kb']:.1f} KB"))
        found.append(row("  memory per idle visitor (session and websocket)", f"{sp['per_visitor_kb']:.1f} KB"))
        p99s = [p["p99_ms"] for p in sp["probes"]]
        found.append(row("  an operator's event->desk p99 meanwhile, one event at a time",
                         " / ".join(f"{v:.1f}" for v in p99s) + " ms", "<= 50 ms", max(p99s) <= 50))
        found.append(row("  the same, four POSTs always in flight", _p99s(sp["probes"], "burst_p99_ms") + " ms"))
        gc_all = sp["full_gc_all_run"]
        found.append(row("  full garbage collections in the run, longest pause",
                         f"{gc_all['count']}, {gc_all['longest_ms']:.0f} ms"))
    if r.get("spread_error"):
        found.append(row("idle: visitors over several processes", f"failed: {r['spread_error']}"))
    rp = r.get("ramp")
    if rp and rp["steps"]:
        last = rp["steps"][-1]
        found.append(row("idle: one process, most visitors under 1 GB RSS",
                         f"{rp['most_under_1gb']:,} (stopped by {rp['stopped_by']}; "
                         f"{last['open']:,} at {last['rss_mb']:.0f} MB)"))
        p99s = [p["p99_ms"] for p in last["probes"]]
        found.append(row("  an operator's event->desk p99 with them, one event at a time",
                         " / ".join(f"{v:.1f}" for v in p99s) + " ms", "<= 50 ms", max(p99s) <= 50))
        found.append(row("  the same, four POSTs always in flight", _p99s(last["probes"], "burst_p99_ms") + " ms"))
        held = [s["open"] for s in rp["steps"] if s["rss_mb"] < GB_MB and max(p["p99_ms"] for p in s["probes"]) <= 50]
        found.append(row("  most visitors with the p99 still <= 50 ms (and under 1 GB)", f"{max(held, default=0):,}"))
        gc_all = rp["full_gc_all_run"]
        found.append(row("  full garbage collections in the ramp, longest pause",
                         f"{gc_all['count']}, {gc_all['longest_ms']:.0f} ms"))
    return found
