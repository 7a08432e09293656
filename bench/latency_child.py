"""Child process for 1. event to screen: the real desk (sink driver) with 20 open chats and a queue,
a load generator in another process, and an operator typing in the composer at the same time.

    python -m bench.latency_child ARGS.json OUT.json

Per measured message: send (visitor process, wall clock in the body) -> the stream frame applied to
the store -> the first written frame that contains it. Per key: the key handed to the driver ->
the first written frame whose composer line shows it."""
from __future__ import annotations

from chatdesk.tui.frame_rate import use_desk_frame_rate

use_desk_frame_rate()      # as the `chatdesk` command: before Textual is imported

import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from textual import events

from bench.common import ROOT, child_env, cpu_seconds
from bench.sink import WATCH, make_desk, run_desk, trace_layouts, trace_renders, wait_until

TEXT = ("thanks for waiting i have checked the warehouse and your parcel left this morning "
        "the tracking number follows in a minute ")


def main() -> None:
    args = json.loads(Path(sys.argv[1]).read_text())
    out: dict = {}
    sent_at: dict[int, int] = {}       # n -> send time (ns, from the body)
    applied: dict[int, float] = {}     # n -> wall time the desk's store applied it
    written: dict[int, float] = {}     # n -> the event's ts (the server wrote it)
    shown: dict[int, float] = {}       # n -> wall time of the first frame with it

    def on_frame(m, wall: float) -> None:
        n = int(m.group(1))
        if n not in shown:
            shown[n] = wall
            sent_at[n] = int(m.group(2))
    WATCH.on_pattern(r"bm (\d+) (\d+)", on_frame)

    layouts = trace_layouts() if os.environ.get("BENCH_TRACE") else None
    renders = trace_renders() if os.environ.get("BENCH_TRACE") else None
    app = make_desk(args["url"], args["token"], Path(tempfile.mkdtemp(prefix="chatdesk-bench-state-")))

    def hook_stream() -> None:
        stream = app.session.stream
        real = stream.on_event

        def on_event(frame: dict) -> None:
            body = (frame.get("data") or {}).get("body", "") if frame.get("type") == "message.created" else ""
            if body.startswith("bm "):
                n = int(body.split()[1])
                applied.setdefault(n, time.time())
                written.setdefault(n, frame.get("ts") or 0.0)
            real(frame)
        stream.on_event = on_event

    async def type_keys(pilot, count: int) -> list[float]:
        from chatdesk.tui.widgets.composer import Composer
        composer = app.desk.query_one(Composer)
        driver = app._driver
        rng = random.Random(5)
        times, line, missed = [], "", 0
        for i in range(count):
            if len(line) >= 40:
                composer.set_draft("")
                line = ""
                await pilot.pause()
            ch = TEXT[i % len(TEXT)]
            line += ch
            needle = line[-6:] if len(line.rstrip()) >= 6 else None
            t0 = time.perf_counter()
            if needle:
                WATCH.expect(needle, t0)
            driver.process_message(events.Key("space" if ch == " " else ch, ch))
            if needle:
                try:
                    await wait_until(WATCH.shown(needle), 2.0, "the key on screen", step=0.001)
                    times.append(WATCH.seen.pop(needle))
                except TimeoutError:
                    WATCH.pending.pop(needle, None)
                    missed += 1
            await asyncio.sleep(rng.uniform(0.04, 0.09))   # a fast typist
        out["keys_missed"] = missed
        return times

    async def scenario(pilot) -> None:
        store, cid = app.session.store, args["measured_cid"]
        await wait_until(lambda: len(app.desk.tab_order) >= args["open_chats"]
                         and len(store.queue) >= args["queued"], 60, "the desk's chats and queue")
        hook_stream()
        app.desk.switch_to(cid)
        await pilot.pause()
        await asyncio.sleep(0.5)
        tmp = Path(tempfile.mkdtemp(prefix="chatdesk-bench-load-"))
        (tmp / "args.json").write_text(json.dumps(args["load"]))
        load = subprocess.Popen([sys.executable, "-m", "bench.load", str(tmp / "args.json"), str(tmp / "out.json")],
                                cwd=ROOT, env=child_env())
        frames0, t_start = WATCH.frames, time.perf_counter()
        cpu0, srv0 = cpu_seconds(), cpu_seconds(args["server_pid"])
        try:
            keys = await type_keys(pilot, args["keys"])
            want = args["load"]["count"]
            deadline = time.monotonic() + args["load"]["duration"] + 10
            while len(shown) < want and time.monotonic() < deadline and load.poll() is None:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            wall = time.perf_counter() - t_start
            out["frames_per_s"] = (WATCH.frames - frames0) / wall
            out["desk_cpu_share"] = (cpu_seconds() - cpu0) / wall            # 1.0 = one core, busy
            out["server_cpu_share"] = (cpu_seconds(args["server_pid"]) - srv0) / wall
            out["load_average"] = os.getloadavg()
        finally:
            load.terminate()
            load.wait(10)
        load_out = tmp / "out.json"
        out["load"] = json.loads(load_out.read_text()) if load_out.exists() else None
        out["keys_ms"] = [k * 1000 for k in keys]
        out["messages_sent"] = want
        out["e2e_ms"] = [(shown[n] - sent_at[n] / 1e9) * 1000 for n in sorted(shown)]
        out["desk_ms"] = [(shown[n] - applied[n]) * 1000 for n in sorted(shown) if n in applied]
        out["server_ms"] = [(written[n] - sent_at[n] / 1e9) * 1000 for n in sorted(shown) if n in written]
        out["wire_ms"] = [(applied[n] - written[n]) * 1000 for n in sorted(shown) if n in applied]
        out["queue_len"] = len(store.queue)
        out["tabs"] = len(app.desk.tab_order)
        if layouts is not None and renders is not None:
            out["layout_requests"] = dict(layouts.most_common())
            out["widget_renders"] = dict(renders.most_common())
        app.exit()

    run_desk(app, scenario)
    Path(sys.argv[2]).write_text(json.dumps(out))


if __name__ == "__main__":
    main()
