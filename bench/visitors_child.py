"""Child process for 6. the Visitors list: the real desk (sink driver) with the Visitors list open
on a crowd, page views arriving as visitors.browsing frames, keys timed.

    python -m bench.visitors_child ARGS.json OUT.json

Per key (down, up, page down, s for the next sort, o for the order): from the key handed to the
driver to the first written frame in which, after the key's action ran, the row under the cursor
was drawn (it carries a mark and the visitor's label) or, for s and o, the header naming the new
sort and order; and the desk's own CPU time in that span (what a loaded machine cannot inflate)."""
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
from bench.sink import WATCH, make_desk, run_desk, wait_until, watch_lines

KEYS = ["down", "down", "down", "s", "down", "pagedown", "o", "up", "down", "s", "up", "o", "s", "s", "s"]


def main() -> None:
    args = json.loads(Path(sys.argv[1]).read_text())
    out: dict = {"crowd": args["crowd"]}
    from textual.widgets import Static

    from chatdesk.tui.screens.visitors import SORTS, VisitorsScreen
    from chatdesk.tui.widgets.visitor_table import CURSOR_MARK, VisitorTable, label
    watch_lines(VisitorTable)
    watch_lines(Static)
    app = make_desk(args["url"], args["token"], Path(tempfile.mkdtemp(prefix="chatdesk-bench-state-")))
    pressed: dict[str, float | None] = {"t0": None}

    def cursor_row(table: VisitorTable) -> str:
        v = table.selected
        return CURSOR_MARK + label(v) if v is not None else ""

    def sort_line(screen: VisitorsScreen) -> str:
        return f"sorted by {SORTS[screen.sort][1]} ({'most first' if screen.descending else 'least first'})"

    def timed(cls: type, name: str, needle) -> None:
        original = getattr(cls, name)

        def wrapper(self, *a, **kw):
            result = original(self, *a, **kw)
            t0 = pressed["t0"]
            if t0 is not None:
                pressed["t0"] = None
                WATCH.expect(needle(self), t0)
            return result
        setattr(cls, name, wrapper)
    # a cursor key shows in the row it reaches; a sort or order key in the header that names it
    # (the rows on screen repaint in the same frame when their order changed)
    for name in ("action_cursor_down", "action_cursor_up", "action_page_down"):
        timed(VisitorTable, name, cursor_row)
    for name in ("action_next_sort", "action_flip_order"):
        timed(VisitorsScreen, name, sort_line)

    frames = {"n": 0}
    cpu_at_write: dict[str, float] = {}
    real_written = WATCH.written

    def written(data: str) -> None:        # the desk's own CPU time when the key's frame went out
        real_written(data)
        if WATCH.seen and "t" not in cpu_at_write:
            cpu_at_write["t"] = time.process_time()
    WATCH.written = written  # type: ignore[method-assign]  # the probe patches it

    async def scenario(pilot) -> None:
        store = app.session.store
        await wait_until(lambda: store.me is not None and store.connection == "live", 60, "the desk live")
        real = store.browsing.apply_frame

        def counted(frame: dict) -> None:
            frames["n"] += 1
            real(frame)
        store.browsing.apply_frame = counted
        t = time.perf_counter()
        app.action_visitors()
        await wait_until(lambda: isinstance(app.screen, VisitorsScreen) and app.screen.is_mounted
                         and len(app.screen.query_one(VisitorTable).rows) >= args["crowd"], 120,
                         "the whole crowd listed")
        out["first_load_ms"] = (time.perf_counter() - t) * 1000
        screen = app.screen
        await pilot.pause()
        tmp = Path(tempfile.mkdtemp(prefix="chatdesk-bench-load-"))
        (tmp / "args.json").write_text(json.dumps(args["load"]))
        load = subprocess.Popen([sys.executable, "-m", "bench.load", str(tmp / "args.json"), str(tmp / "out.json")],
                                cwd=ROOT, env=child_env())
        await asyncio.sleep(3)                     # frames are arriving
        frames0, written0, t_start, cpu0 = frames["n"], WATCH.frames, time.perf_counter(), cpu_seconds()
        rng = random.Random(9)
        times: list[float] = []
        cpu_ms: list[float] = []
        by_key: dict[str, list[float]] = {}
        missed = 0
        try:
            for i in range(args["keys"]):
                key = KEYS[i % len(KEYS)]
                cpu_at_write.clear()
                cpu0_key = time.process_time()
                t0 = time.perf_counter()
                pressed["t0"] = t0
                app._driver.process_message(events.Key(key, key if len(key) == 1 else None))
                try:
                    await wait_until(lambda: pressed["t0"] is None and bool(WATCH.seen), 2.0, "the key on screen",
                                     step=0.001)
                    ms = WATCH.seen.popitem()[1] * 1000
                    times.append(ms)
                    cpu_ms.append((cpu_at_write.get("t", time.process_time()) - cpu0_key) * 1000)
                    by_key.setdefault(key, []).append(ms)
                except TimeoutError:
                    missed += 1
                    pressed["t0"] = None
                    WATCH.pending.clear()
                WATCH.seen.clear()
                await asyncio.sleep(rng.uniform(0.04, 0.09))
            wall = time.perf_counter() - t_start
            out["desk_cpu_share"] = (cpu_seconds() - cpu0) / wall
            out["frames_per_s"] = (WATCH.frames - written0) / wall
            out["frames_applied"] = frames["n"] - frames0
            out["load_average"] = os.getloadavg()
        finally:
            load.terminate()
            load.wait(10)
        load_out = tmp / "out.json"
        out["load"] = json.loads(load_out.read_text()) if load_out.exists() else None
        out["keys_ms"], out["by_key"], out["keys_missed"] = times, by_key, missed
        out["key_cpu_ms"] = cpu_ms
        out["rows"] = len(screen.table.rows)
        out["rest_loads"] = app.session.browsing.loads
        app.exit()

    run_desk(app, scenario)
    Path(sys.argv[2]).write_text(json.dumps(out))


if __name__ == "__main__":
    main()
