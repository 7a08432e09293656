"""Websocket subscribers (child process) for 5.: open N streams, then count every frame carrying
a `bf <n> <send ns>` marker and keep its delivery latency.

    python -m bench.subscribers ARGS.json OUT.json   (writes OUT.json.ready once all are live)
"""
from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from pathlib import Path

from websockets.asyncio.client import connect

MARK = re.compile(r"bf (\d+) (\d+)")


async def main() -> None:
    args = json.loads(Path(sys.argv[1]).read_text())
    out = Path(sys.argv[2])
    want, n = args["expect"], args["subscribers"]
    latencies: list[float] = []
    counts = [0] * n
    last_at = [0.0]
    done = asyncio.Event()
    finished = [0]

    async def one(i: int, live: asyncio.Event) -> None:
        async with connect(args["ws_url"], proxy=None, max_size=2**22, open_timeout=60,
                           ping_interval=None) as ws:
            if args.get("token"):
                await ws.send(json.dumps({"type": "auth", "token": args["token"]}))
                await ws.recv()                                     # ready
                await ws.send(json.dumps({"type": "ping"}))         # not a resume: live from now
                await ws.recv()                                     # pong
            live.set()
            async for raw in ws:
                m = MARK.search(raw if isinstance(raw, str) else raw.decode())
                if m:
                    now = time.time_ns()
                    latencies.append((now - int(m.group(2))) / 1e6)
                    last_at[0] = now / 1e9
                    counts[i] += 1
                    if counts[i] == want:
                        finished[0] += 1
                        if finished[0] == n:
                            done.set()
                        return

    lives = [asyncio.Event() for _ in range(n)]
    tasks = []
    for i in range(n):                       # connect in small waves (a server's accept backlog)
        tasks.append(asyncio.create_task(one(i, lives[i])))
        if i % 50 == 49:
            await asyncio.gather(*(e.wait() for e in lives[i - 49:i + 1]))
    await asyncio.gather(*(e.wait() for e in lives))
    Path(str(out) + ".ready").write_text("ok")
    try:
        await asyncio.wait_for(done.wait(), args["timeout"])
    except TimeoutError:
        pass
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    out.write_text(json.dumps({"latencies_ms": latencies, "deliveries": sum(counts),
                               "complete": finished[0], "last_at": last_at[0]}))


if __name__ == "__main__":
    asyncio.run(main())
