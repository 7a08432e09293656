"""Idle visitor websockets (child process) for the scale bench: open one stream per visitor token
(auth, then a ping: live from now), hold them, and write OUT.json.ready once all are live.

    python -m bench.idle_child ARGS.json OUT.json      (ARGS: ws_urls, tokens, hold)
"""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from websockets.asyncio.client import connect


async def main() -> None:
    args = json.loads(Path(sys.argv[1]).read_text())
    out = Path(sys.argv[2])
    urls, tokens = args["ws_urls"], args["tokens"]
    conns = []
    failed = 0

    async def one(i: int, token: str) -> None:
        nonlocal failed
        try:
            ws = await connect(urls[i % len(urls)], proxy=None, open_timeout=60, ping_interval=None)
            await ws.send(json.dumps({"type": "auth", "visitor_token": token}))
            await ws.recv()                                   # ready
            await ws.send(json.dumps({"type": "ping"}))
            while json.loads(await ws.recv()).get("type") != "pong":
                pass
            conns.append(ws)
        except Exception:                                     # counted, not fatal: the figure says so
            failed += 1
    for start in range(0, len(tokens), 100):                  # in waves (the accept backlog)
        await asyncio.gather(*(one(start + j, t) for j, t in enumerate(tokens[start:start + 100])))
    out.write_text(json.dumps({"open": len(conns), "failed": failed}))
    Path(str(out) + ".ready").write_text("ok")
    await asyncio.sleep(args["hold"])
    for ws in conns:
        await ws.close()


if __name__ == "__main__":
    asyncio.run(main())
