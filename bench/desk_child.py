"""Child process: the real desk in the sink driver, for transcript scale and memory.

    python -m bench.desk_child ARGS.json OUT.json
mode "open": wait for the desk to be live, then accept `cid` from the queue as an operator would;
             time until the frame with the transcript's last message is written; RSS before/after.
mode "tabs": start with `tabs` open chats; time until every tab's transcript is laid out and the
             first is on screen; then show each tab once; RSS (each tab holds its newest page);
             then every tab's older pages loaded down to the first message; RSS again.
"""
from __future__ import annotations

from chatdesk.tui.frame_rate import use_desk_frame_rate

use_desk_frame_rate()      # as the `chatdesk` command: before Textual is imported

import asyncio
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.common import rss_mb
from bench.sink import WATCH, make_desk, run_desk, wait_until


async def _settle(pilot, seconds: float = 0.3) -> None:
    await pilot.pause()
    await asyncio.sleep(seconds)


def main() -> None:
    args = json.loads(Path(sys.argv[1]).read_text())
    out: dict = {"rss_import_mb": rss_mb()}
    app = make_desk(args["url"], args["token"], Path(tempfile.mkdtemp(prefix="chatdesk-bench-state-")))

    async def open_one(pilot) -> None:
        cid, marker = args["cid"], args["marker"]
        store = app.session.store
        await wait_until(lambda: store.me is not None and cid in store.queue, 30, "the queue")
        await _settle(pilot)
        api = app.session.api
        real_get = api.conversation
        rest: list[float] = []

        async def timed_get(conversation_id: int, **kw):
            t = time.perf_counter()
            try:
                return await real_get(conversation_id, **kw)
            finally:
                rest.append(time.perf_counter() - t)
        api.conversation = timed_get
        gc.collect()
        out["rss_before_mb"] = rss_mb()
        t0 = time.perf_counter()
        WATCH.expect(marker, t0)
        app.desk.accept(cid)
        await wait_until(WATCH.shown(marker), 180, "the last message on screen")
        out["open_s"] = WATCH.seen[marker]
        out["rest_get_s"] = rest[0] if rest else None
        await _settle(pilot, 0.5)
        gc.collect()
        out["rss_after_mb"] = rss_mb()
        app.exit()

    async def tabs(pilot) -> None:
        store, n = app.session.store, args["tabs"]
        t0 = time.perf_counter()
        await wait_until(lambda: len(app.desk.tab_order) >= n and all(
            v.messages for v in store.conversations.values()), 120, "all tabs loaded")
        out["all_tabs_loaded_s"] = time.perf_counter() - t0
        switches = []
        for i, cid in enumerate(list(app.desk.tab_order)):   # show each tab once, as an operator would
            marker = store.conversations[cid].messages[-1].body
            t = time.perf_counter()
            WATCH.expect(marker, t)
            app.desk.switch_to(cid)
            await wait_until(WATCH.shown(marker), 30, f"tab {i} on screen")
            switches.append(WATCH.seen[marker])
        out["tab_switch_p50_s"] = sorted(switches)[len(switches) // 2]
        out["tab_switch_max_s"] = max(switches)
        await _settle(pilot, 0.5)
        gc.collect()
        out["tabs"] = len(app.desk.transcripts)
        out["messages"] = sum(len(v.messages) for v in store.conversations.values())
        out["rss_mb"] = rss_mb()
        # the worst case: the operator scrolled every tab back to its first message
        for cid in list(app.desk.tab_order):
            while await app.session.load_older(cid):
                pass
        await _settle(pilot, 0.5)
        gc.collect()
        out["messages_all"] = sum(len(v.messages) for v in store.conversations.values())
        out["rss_all_mb"] = rss_mb()
        app.exit()

    pilot = open_one if args["mode"] == "open" else tabs
    run_desk(app, pilot)
    Path(sys.argv[2]).write_text(json.dumps(out))


if __name__ == "__main__":
    main()
