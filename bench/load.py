"""Load generator (child process): visitors browse (page views at a set rate, spread over all of
them), visitors in background chats write now and then, and the visitor of the measured chat writes
`bm <n> <send time ns>` at a steady rate. The desk reads the send time from the frame it writes.

    python -m bench.load ARGS.json OUT.json
"""
from __future__ import annotations

import asyncio
import json
import random
import signal
import sys
import time
import uuid
from pathlib import Path

import httpx

from chatdesk.protocol.limits import API_PREFIX


async def main() -> None:
    args = json.loads(Path(sys.argv[1]).read_text())
    visitors, chats, measured = args["visitors"], args["chats"], args["measured"]
    deadline = time.monotonic() + args["duration"]
    rng = random.Random(3)
    stats = {"pageviews": 0, "background": 0, "measured": 0, "errors": 0}
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=args["url"] + API_PREFIX, timeout=30, limits=limits) as http:

        async def post(path: str, token: str, body: dict, key: str) -> None:
            try:
                r = await http.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
                stats[key if r.status_code < 300 else "errors"] += 1
            except httpx.HTTPError:
                stats["errors"] += 1

        async def paced(rate: float, make) -> None:
            """Fire make(i) at `rate` per second (no waiting for answers, like real traffic)."""
            if rate <= 0:
                return
            start, i, tasks = time.monotonic(), 0, set()
            while time.monotonic() < deadline and (make is not send_measured or i < args["count"]):
                t = asyncio.create_task(make(i))
                tasks.add(t)
                t.add_done_callback(tasks.discard)
                i += 1
                await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
            await asyncio.gather(*tasks, return_exceptions=True)

        async def pageview(i: int) -> None:
            v = rng.choice(visitors)
            await post("/visitor/pageviews", v["token"],
                       {"url": f"https://shop.test/p/{rng.randint(1, 500)}", "title": f"Product {i}"},
                       "pageviews")

        async def background(i: int) -> None:
            c = rng.choice(chats)
            await post(f"/visitor/conversations/{c['cid']}/messages", c["token"],
                       {"client_msg_id": uuid.uuid4().hex, "body": f"Any news on my order? ({i})"},
                       "background")

        async def send_measured(i: int) -> None:
            await post(f"/visitor/conversations/{measured['cid']}/messages", measured["token"],
                       {"client_msg_id": uuid.uuid4().hex, "body": f"bm {i} {time.time_ns()}"},
                       "measured")

        main = asyncio.current_task()
        assert main is not None                 # run by asyncio.run: a task
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main.cancel)   # stop: report
        try:
            await asyncio.gather(paced(args["pageview_rate"], pageview),
                                 paced(args["background_rate"], background),
                                 paced(args["measured_rate"], send_measured))
        except asyncio.CancelledError:
            pass
        finally:
            Path(sys.argv[2]).write_text(json.dumps(stats))


if __name__ == "__main__":
    asyncio.run(main())
