"""Idle visitors (child process) for the scale bench, doing what the widget does: a session over
REST (POST /visitor/sessions), then one stream: auth, `ready`, `resume` after the session's newest
event, `resumed`; then nothing (a tab left open, no longer beating). Several of these share the
load on a small machine; the parent steers them with files next to OUT:

    python -m bench.idle_child ARGS.json OUT.json
      ARGS: base_urls, ws_urls (visitor i uses server i % len), count, first (numbers its pages),
            hold (seconds at most)
      OUT.sessions  written when every session is made: {sessions, failed, seconds}
      OUT.go        the parent's signal to open the streams
      OUT.json      then OUT.ready: {open, failed, seconds, errors}
      OUT.stop      the parent's signal to close them; OUT.done: {still_open, cpu_seconds}
"""
from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
from websockets.asyncio.client import ClientConnection, connect

from chatdesk.protocol.limits import API_PREFIX

SESSIONS_IN_FLIGHT = 16
STREAMS_IN_FLIGHT = 100          # the servers' accept backlog is larger; this keeps the waves short


def raise_open_file_limit() -> None:
    """One file per socket: the soft limit up to the hard one (the bench raised that)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def wait_for(path: Path, deadline: float) -> bool:
    while not path.exists():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True


async def sessions(base_urls: list[str], count: int, first: int) -> tuple[list[tuple[int, dict]], int]:
    """(i, session answer) for each visitor made, and how many failed."""
    made: list[tuple[int, dict]] = []
    failed = 0
    sem = asyncio.Semaphore(SESSIONS_IN_FLIGHT)
    clients = [httpx.AsyncClient(base_url=u + API_PREFIX, timeout=60, trust_env=False) for u in base_urls]

    async def one(i: int) -> None:
        nonlocal failed
        n = first + i
        async with sem:
            try:
                r = await clients[i % len(clients)].post("/visitor/sessions", json={
                    "url": f"https://shop.test/p/{n}", "title": f"Product {n}", "referrer": ""})
                r.raise_for_status()
                made.append((i, r.json()))
            except Exception:                               # counted: the figure says so
                failed += 1
    try:
        await asyncio.gather(*(one(i) for i in range(count)))
    finally:
        for c in clients:
            await c.aclose()
    return made, failed


async def stream(url: str, session: dict) -> ClientConnection:
    """The widget's opening: auth, ready, resume after the newest event it knows, resumed."""
    ws = await connect(url, proxy=None, open_timeout=60, ping_interval=None, close_timeout=1)
    try:
        await ws.send(json.dumps({"type": "auth", "visitor_token": session["visitor_token"]}))
        while (frame := json.loads(await asyncio.wait_for(ws.recv(), 60))).get("type") != "ready":
            if frame.get("type") == "error":
                raise RuntimeError(frame.get("error"))
        await ws.send(json.dumps({"type": "resume", "after": session.get("last_event_id") or 0}))
        while json.loads(await asyncio.wait_for(ws.recv(), 60)).get("type") != "resumed":
            pass
    except BaseException:
        await ws.close()
        raise
    return ws


async def main() -> None:
    raise_open_file_limit()
    args = json.loads(Path(sys.argv[1]).read_text())
    out = Path(sys.argv[2])
    signal = lambda suffix: Path(f"{out}.{suffix}")  # noqa: E731
    deadline = time.monotonic() + args["hold"]
    t0 = time.monotonic()
    made, failed_sessions = await sessions(args["base_urls"], args["count"], args["first"])
    signal("sessions").write_text(json.dumps({"sessions": len(made), "failed": failed_sessions,
                                              "seconds": time.monotonic() - t0}))
    if not await wait_for(signal("go"), deadline):
        return
    urls = args["ws_urls"]
    conns: list[ClientConnection] = []
    errors: Counter[str] = Counter()
    sem = asyncio.Semaphore(STREAMS_IN_FLIGHT)

    async def one(i: int, session: dict) -> None:
        async with sem:
            try:
                conns.append(await stream(urls[i % len(urls)], session))
            except Exception as exc:                        # counted, not fatal
                errors[type(exc).__name__] += 1
    t0 = time.monotonic()
    await asyncio.gather(*(one(i, s) for i, s in made))
    out.write_text(json.dumps({"open": len(conns), "failed": sum(errors.values()),
                               "seconds": time.monotonic() - t0, "errors": dict(errors)}))
    signal("ready").write_text("ok")
    await wait_for(signal("stop"), deadline)
    still_open = sum(1 for ws in conns if ws.close_code is None)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    signal("done").write_text(json.dumps({"still_open": still_open, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                                          "max_rss_mb": usage.ru_maxrss / 1024}))
    await asyncio.gather(*(ws.close() for ws in conns), return_exceptions=True)


if __name__ == "__main__":
    asyncio.run(main())
