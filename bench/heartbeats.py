"""What the widget's heartbeat costs the server: N visitors on the site, each beating every 10 s
as the widget does (POST /visitor/heartbeat, spread evenly), with opener rules to check on every
beat and an operator online (so the rules run to the end). Prints the answer time (p50, p90,
p99, from the client) and the server's CPU per 1,000 beats.

    uv run python -m bench.heartbeats [--visitors 2000] [--seconds 40]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import time

import httpx

from bench.common import Server, cpu_seconds, new_visitor, pct
from chatdesk.protocol.limits import API_PREFIX

BEAT_EVERY = 10.0          # the widget's interval (static/widget/src/heartbeat.js)
RULES = [
    {"name": "Product, second visit", "conditions": {"url_pattern": "*/p/*", "min_page_seconds": 20, "min_visits": 2},
     "texts": {"en": "Back again? Ask us about {page.title}."}},
    {"name": "Full cart", "conditions": {"min_cart_value": 200}, "texts": {"en": "Free shipping over 200!"}},
    {"name": "From the newsletter", "conditions": {"utm_source": "newsletter"}, "texts": {"en": "Welcome, reader!"}},
]


def prepare(srv: Server, visitors: int) -> list[dict]:
    sup = srv.operator("sup@bench.test", role="supervisor")
    op = srv.operator("op@bench.test")
    with httpx.Client(base_url=srv.url + API_PREFIX, timeout=30) as http:
        for rule in RULES:
            http.post("/openers/rules", json=rule, headers={"Authorization": f"Bearer {sup}"}).raise_for_status()
        http.put("/me/status", json={"status": "online"}, headers={"Authorization": f"Bearer {op}"}).raise_for_status()
        return [new_visitor(http, n) for n in range(visitors)]


async def beat_all(url: str, visitors: list[dict], seconds: float) -> tuple[list[float], int, int]:
    times: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=url + API_PREFIX, timeout=30, limits=limits) as http:
        async def beat(v: dict) -> None:
            nonlocal errors
            sent = time.perf_counter()
            try:
                r = await http.post("/visitor/heartbeat", json={}, headers={"Authorization": f"Bearer {v['token']}"})
                if r.status_code == 200:
                    times.append((time.perf_counter() - sent) * 1000)
                else:
                    errors += 1
            except httpx.HTTPError:
                errors += 1

        rate = len(visitors) / BEAT_EVERY
        start, i, tasks = time.monotonic(), 0, set()
        while time.monotonic() - start < seconds:
            task = asyncio.create_task(beat(visitors[i % len(visitors)]))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            i += 1
            await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        await asyncio.gather(*tasks, return_exceptions=True)
    return times, errors, i


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.heartbeats", description=__doc__)
    p.add_argument("--visitors", type=int, default=2000)
    p.add_argument("--seconds", type=float, default=40.0)
    args = p.parse_args()
    srv = Server().start("--browsing-idle", "60")
    try:
        t0 = time.perf_counter()
        visitors = prepare(srv, args.visitors)
        print(f"{len(visitors)} visitors on the site ({time.perf_counter() - t0:.0f} s to arrive)", flush=True)
        assert srv.proc is not None
        cpu_before = cpu_seconds(srv.pid)
        times, errors, sent = asyncio.run(beat_all(srv.url, visitors, args.seconds))
        cpu = cpu_seconds(srv.pid) - cpu_before
    finally:
        srv.stop()
    beats = len(times)
    wanted = int(args.seconds * len(visitors) / BEAT_EVERY)
    print(f"{beats} beats answered of {sent} sent in {args.seconds:.0f} s ({wanted} wanted: one per visitor every "
          f"{BEAT_EVERY:.0f} s; fewer sent means this client could not keep up), {errors} errors")
    print(f"answer time ms: p50 {pct(times, 50):.1f}  p90 {pct(times, 90):.1f}  p99 {pct(times, 99):.1f}")
    print(f"server CPU: {cpu:.1f} s, {1000 * cpu / max(1, beats):.2f} s per 1,000 beats "
          f"({100 * cpu / args.seconds:.0f} % of one core)")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
