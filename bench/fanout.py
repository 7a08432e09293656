"""5. Server fan-out: deliveries/s and p99 with N websocket subscribers, the chat server against a
bare uvicorn broadcast of the same frames; and the time to resume after 1,000 missed events."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.common import ROOT, Server, child_env, new_visitor, open_chat, pct
from chatdesk.demo.local_server import free_port, wait_until_healthy
from chatdesk.protocol.limits import API_PREFIX


def _spawn_subscribers(ws_url: str, token: str | None, n: int, expect: int, procs: int, tmp: Path) -> list:
    children = []
    for p in range(procs):
        share = n // procs + (1 if p < n % procs else 0)
        args, out = tmp / f"sub{p}.json", tmp / f"sub{p}.out"
        args.write_text(json.dumps({"ws_url": ws_url, "token": token, "subscribers": share,
                                    "expect": expect, "timeout": 120}))
        proc = subprocess.Popen([sys.executable, "-m", "bench.subscribers", str(args), str(out)],
                                cwd=ROOT, env=child_env())
        children.append((proc, out))
    deadline = time.monotonic() + 120
    while not all(Path(str(out) + ".ready").exists() for _, out in children):
        if time.monotonic() > deadline or any(p.poll() is not None for p, _ in children):
            raise RuntimeError("subscribers did not connect")
        time.sleep(0.05)
    return children


async def _send_all(post, count: int, concurrency: int = 4) -> float:
    """POST `count` marked messages, a few in flight; returns the wall time of the first send."""
    sem = asyncio.Semaphore(concurrency)
    t_first = time.time()

    async def one(i: int) -> None:
        async with sem:
            await post(f"bf {i} {time.time_ns()}")
    await asyncio.gather(*(one(i) for i in range(count)))
    return t_first


def _collect(children: list, t_first: float, subscribers: int, count: int) -> dict:
    lat, deliveries, last = [], 0, 0.0
    for proc, out in children:
        proc.wait(150)
        r = json.loads(out.read_text())
        lat += r["latencies_ms"]
        deliveries += r["deliveries"]
        last = max(last, r["last_at"])
    span = max(1e-6, last - t_first)
    return {"subscribers": subscribers, "messages": count, "deliveries": deliveries,
            "expected": subscribers * count, "seconds": span, "per_s": deliveries / span,
            "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99)}


def _chatdesk_round(srv: Server, token: str, visitor: dict, cid: int, n: int, count: int, procs: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="chatdesk-bench-fan-"))
    children = _spawn_subscribers(f"{srv.ws_url}{API_PREFIX}/stream", token, n, count, procs, tmp)

    async def go() -> float:
        async with httpx.AsyncClient(base_url=f"{srv.url}{API_PREFIX}", timeout=60,
                                     headers={"Authorization": f"Bearer {visitor['token']}"}) as http:
            async def post(body: str) -> None:
                r = await http.post(f"/visitor/conversations/{cid}/messages",
                                    json={"client_msg_id": uuid.uuid4().hex, "body": body})
                r.raise_for_status()
            return await _send_all(post, count)
    return _collect(children, asyncio.run(go()), n, count)


def _bare_round(port: int, frame: dict, n: int, count: int, procs: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="chatdesk-bench-bare-"))
    children = _spawn_subscribers(f"ws://127.0.0.1:{port}/ws", None, n, count, procs, tmp)

    async def go() -> float:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            async def post(body: str) -> None:
                f = {**frame, "data": {**frame["data"], "body": body}, "client_msg_id": uuid.uuid4().hex}
                (await http.post("/send", content=json.dumps(f))).raise_for_status()
            return await _send_all(post, count)
    return _collect(children, asyncio.run(go()), n, count)


async def _resume(srv: Server, token: str, visitor: dict, cid: int, missed: int) -> dict:
    from websockets.asyncio.client import connect

    async def open_stream():
        ws = await connect(f"{srv.ws_url}{API_PREFIX}/stream", proxy=None, max_size=2**22)
        await ws.send(json.dumps({"type": "auth", "token": token}))
        await ws.recv()
        return ws
    ws = await open_stream()
    await ws.send(json.dumps({"type": "resume", "after": 2**62}))      # answered with reset(newest)
    newest = json.loads(await ws.recv())["event_id"]
    await ws.close()
    async with httpx.AsyncClient(base_url=f"{srv.url}{API_PREFIX}", timeout=60,
                                 headers={"Authorization": f"Bearer {visitor['token']}"}) as http:
        async def post(body: str) -> None:
            (await http.post(f"/visitor/conversations/{cid}/messages",
                             json={"client_msg_id": uuid.uuid4().hex, "body": body})).raise_for_status()
        await _send_all(post, missed, concurrency=8)
    t0 = time.perf_counter()
    ws = await open_stream()
    await ws.send(json.dumps({"type": "resume", "after": newest}))
    frames = 0
    while True:
        f = json.loads(await ws.recv())
        if f.get("type") == "resumed":
            break
        frames += 1
    seconds = time.perf_counter() - t0
    await ws.close()
    return {"missed": missed, "replayed": frames, "seconds": seconds}


def run(srv: Server, sizes: list[int], count: int, missed: int, procs: int = 2) -> dict:
    token = srv.operator("fan@bench.test", max_chats=4)
    with httpx.Client(base_url=f"{srv.url}{API_PREFIX}", timeout=30) as http:
        visitor = new_visitor(http, 99999)
        cid = open_chat(http, visitor, "Hello fan-out", "Fan Out")
        r = http.post(f"/visitor/conversations/{cid}/messages", json={"client_msg_id": uuid.uuid4().hex,
                      "body": "shape"}, headers={"Authorization": f"Bearer {visitor['token']}"})
        r.raise_for_status()
        msg = r.json()
    frame = {"type": "message.created", "event_id": 123456, "conversation_id": cid, "seq": msg["seq"],
             "ts": msg["ts"], "data": msg, "client_msg_id": msg.get("client_msg_id")}
    port = free_port()
    bare = subprocess.Popen([sys.executable, "-m", "bench.bare_server", str(port)], cwd=ROOT, env=child_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out: dict = {"rounds": {}}
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/health", 20, bare)
        for n in sizes:
            ours = _chatdesk_round(srv, token, visitor, cid, n, count, procs)
            base = _bare_round(port, frame, n, count, procs)
            out["rounds"][n] = {"chatdesk": ours, "bare": base, "ratio": ours["per_s"] / base["per_s"]}
    finally:
        bare.terminate()
        bare.wait(10)
    out["resume"] = asyncio.run(_resume(srv, token, visitor, cid, missed))
    return out


if __name__ == "__main__":
    s = Server().start()
    try:
        print(json.dumps(run(s, [int(x) for x in sys.argv[1:]] or [500], count=20, missed=1000), indent=1))
    finally:
        s.stop()
