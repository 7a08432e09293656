"""`uv run python -m bench.login_flood`: does a login flood slow chat? With QUEUED chats waiting,
an operator's GET /queue p95, first alone and then while FLOODERS clients send logins with random
e-mails as fast as they are answered (a 429 is asked again at once), in a process of their own.
Prints both p95s and their ratio, for the desk's page (GET /queue) and the whole queue
(GET /queue?limit=QUEUED, the answer every desk got before the queue was paged), and the server's
CPU share in each phase (CPU seconds over wall seconds, which other programs on a shared machine
cannot inflate the way they inflate latencies).

The server runs with its default login limits; the new-chat limits are off (bench/common.py) so
one address can seed the queue.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import sys
import time
import uuid
from collections import Counter

import httpx

from bench.common import Server, cpu_seconds, new_visitor, open_chat, pct
from chatdesk.protocol.limits import API_PREFIX

QUEUED, FLOODERS, SAMPLES = 1000, 30, 150
WHOLE_SAMPLES = 60              # the whole queue takes a second a request on a busy machine


def seed(srv: Server, n: int) -> str:
    token = srv.operator("desk@bench.test")
    with httpx.Client(base_url=f"{srv.url}{API_PREFIX}", timeout=30) as http:
        for i in range(n):
            open_chat(http, new_visitor(http, i), f"Hello, question number {i} about my order", f"Waiting {i}")
    return token


def measure(srv: Server, token: str, path: str, samples: int) -> list[float]:
    """Milliseconds of `samples` GET requests one after another, as one desk makes them."""
    times = []
    with httpx.Client(base_url=f"{srv.url}{API_PREFIX}", timeout=60,
                      headers={"Authorization": f"Bearer {token}"}) as http:
        http.get(path).raise_for_status()
        for _ in range(samples):
            started = time.perf_counter()
            http.get(path).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    return times


async def _flood(url: str, clients: int, stop: float) -> dict[str, int]:
    codes: Counter[str] = Counter()

    async def one(http: httpx.AsyncClient) -> None:
        while time.monotonic() < stop:
            try:
                r = await http.post("/auth/login", json={"email": f"{uuid.uuid4().hex}@flood.test",
                                                         "password": "not-the-password"})
                codes[str(r.status_code)] += 1
            except httpx.HTTPError:
                codes["error"] += 1

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=f"{url}{API_PREFIX}", timeout=30, limits=limits) as http:
        await asyncio.gather(*(one(http) for _ in range(clients)))
    return dict(codes)


def flood_process(url: str, clients: int, seconds: float, out) -> None:
    out.put(asyncio.run(_flood(url, clients, time.monotonic() + seconds)))


def run(queued: int = QUEUED, flooders: int = FLOODERS, samples: int = SAMPLES) -> dict:
    srv = Server().start()
    try:
        token = seed(srv, queued)
        paths = {"page": ("/queue", samples), "whole": (f"/queue?limit={queued}", min(samples, WHOLE_SAMPLES))}

        def phase() -> tuple[dict[str, float], float]:
            cpu, wall = cpu_seconds(srv.pid), time.perf_counter()
            p95 = {name: pct(measure(srv, token, path, n), 95) for name, (path, n) in paths.items()}
            return p95, (cpu_seconds(srv.pid) - cpu) / (time.perf_counter() - wall)

        quiet, quiet_cpu = phase()
        out: multiprocessing.Queue = multiprocessing.Queue()
        flood = multiprocessing.Process(target=flood_process, args=(srv.url, flooders, 600.0, out), daemon=True)
        flood.start()
        time.sleep(2.0)                                   # the flood at full strength
        flooded, flooded_cpu = phase()
        flood.terminate()
        flood.join(10)
        # A short flood of its own for the answers' tally (the long one was cut off).
        tally = asyncio.run(_flood(srv.url, flooders, time.monotonic() + 5.0))
        r = httpx.post(f"{srv.url}{API_PREFIX}/auth/login", json={"email": "desk@bench.test", "password": "bench-pass-1"})
        return {"queued": queued, "flooders": flooders, "samples": samples,
                "p95_ms": {"quiet": quiet, "flooded": flooded},
                "server_cpu_share": {"quiet": quiet_cpu, "flooded": flooded_cpu},
                "ratio": {name: flooded[name] / quiet[name] for name in paths},
                "flood_answers_5s": tally, "correct_login_after": r.status_code}
    finally:
        srv.stop()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.login_flood", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--queued", type=int, default=QUEUED)
    p.add_argument("--flooders", type=int, default=FLOODERS)
    p.add_argument("--samples", type=int, default=SAMPLES)
    args = p.parse_args(argv)
    result = run(args.queued, args.flooders, args.samples)
    for name in ("page", "whole"):
        print(f"GET /queue ({name}): p95 {result['p95_ms']['quiet'][name]:.1f} ms alone, "
              f"{result['p95_ms']['flooded'][name]:.1f} ms during the login flood "
              f"({result['ratio'][name]:.2f}x)")
    print(f"server CPU share: {result['server_cpu_share']['quiet']:.2f} alone, "
          f"{result['server_cpu_share']['flooded']:.2f} during the flood")
    print(f"flood answers in 5 s: {result['flood_answers_5s']}; a correct login after: {result['correct_login_after']}")
    print(json.dumps(result), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
