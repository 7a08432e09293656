"""`python -m bench.stall_probe server ARGS…`: the real `chatdesk server`, watched for stalls.

An instrument for the benches, never used in production. It reports to stderr (the bench server's
log) two kinds of stall, each with where the time went:
- the event loop blocked: a watchdog thread asks the loop for a callback every 20 ms; when one has
  not run for STALL seconds it samples the loop thread's stack until the loop answers again, then
  prints the stall's length and the stacks it saw most;
- the write lock held or waited for: `Database.write` and `Store.tx` are wrapped to time the
  wait for the lock and the hold, and print any over STALL with the stack that took it;
- the process itself not run: the watchdog's own 20 ms sleeps that overran by STALL or more
  (counted with the commits below: then no thread of the server ran, whatever it was doing);
- SQLite commits: each is timed (a commit that checkpoints the WAL writes and syncs the file, on
  the thread that commits); the slow ones are printed, and every 30 s how many, their total and
  the slowest.
"""
from __future__ import annotations

import asyncio
import collections
import sys
import threading
import time
import traceback
from contextlib import asynccontextmanager

STALL = 0.5            # seconds: anything longer is reported
TICK = 0.02
_loop: list[asyncio.AbstractEventLoop] = []


def _say(text: str) -> None:
    sys.stderr.write(f"[stall-probe {time.strftime('%H:%M:%S')}] {text}\n")
    sys.stderr.flush()


def _stack_of(thread_id: int) -> str:
    frame = sys._current_frames().get(thread_id)
    if frame is None:
        return "(no frame)"
    return "".join(traceback.format_stack(frame, limit=14))


def _thread_stat(native_id: int) -> tuple[str, float]:
    """(state, CPU seconds) of one of our threads (Linux /proc): R runs or waits for a core, S or D
    sleeps in a system call (a lock, the disk)."""
    import os
    try:
        with open(f"/proc/self/task/{native_id}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return "?", 0.0
    return fields[0], (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _watch(loop_thread: int, native_id: int) -> None:
    beat = [time.monotonic()]

    def mark() -> None:
        beat[0] = time.monotonic()
    while not _loop:
        time.sleep(TICK)
    loop = _loop[0]
    while not loop.is_closed():
        try:
            loop.call_soon_threadsafe(mark)
        except RuntimeError:
            return
        asleep = time.monotonic()
        time.sleep(TICK)
        overslept = time.monotonic() - asleep - TICK
        if overslept >= STALL:        # this thread was not run either: the machine held the process
            _paused["n"] += 1
            _paused["seconds"] += overslept
        late = time.monotonic() - beat[0]
        if late < STALL:
            continue
        seen: collections.Counter[str] = collections.Counter()
        states: collections.Counter[str] = collections.Counter()
        started, cpu_before = beat[0], _thread_stat(native_id)[1]
        while time.monotonic() - beat[0] >= STALL and not loop.is_closed():
            seen[_stack_of(loop_thread)] += 1
            states[_thread_stat(native_id)[0]] += 1
            time.sleep(TICK)
        lasted = beat[0] - started
        cpu = _thread_stat(native_id)[1] - cpu_before
        top = "\n".join(f"--- {n} samples ---\n{stack}" for stack, n in seen.most_common(3))
        _say(f"event loop blocked {lasted:.2f} s, its thread on a CPU {cpu:.2f} s of it, states "
             f"{dict(states)}; the loop thread was in:\n{top}")


def _wrap_locks() -> None:
    from chatdesk.server.eventlog.log import Store
    from chatdesk.server.storage.db import SqliteDatabase as Database

    def timed(original, name: str):
        @asynccontextmanager
        async def wrapper(self, *args, **kwargs):
            asked = time.monotonic()
            where = "".join(traceback.format_stack(limit=8)[:-2])
            async with original(self, *args, **kwargs) as value:
                got = time.monotonic()
                try:
                    yield value
                finally:
                    held = time.monotonic() - got
                    if got - asked > STALL or held > STALL:
                        _say(f"{name}: waited {got - asked:.2f} s for the write lock, held it {held:.2f} s; "
                             f"taken by:\n{where}")
        return wrapper
    Database.write = timed(Database.write, "Database.write")          # type: ignore[method-assign]  # the probe patches it
    Store.tx = timed(Store.tx, "Store.tx")                             # type: ignore[method-assign]  # the probe patches it


_commits = {"n": 0, "seconds": 0.0, "max": 0.0}
_paused = {"n": 0, "seconds": 0.0}      # the watchdog's own sleeps that overran by STALL or more


def _time_commits() -> None:
    from sqlalchemy.engine.default import DefaultDialect
    original = DefaultDialect.do_commit

    def do_commit(self, dbapi_connection):  # noqa: ANN001
        t = time.monotonic()
        try:
            return original(self, dbapi_connection)
        finally:
            took = time.monotonic() - t
            _commits["n"] += 1
            _commits["seconds"] += took
            _commits["max"] = max(_commits["max"], took)
            if took > STALL / 2:
                _say(f"a commit took {took:.2f} s (on thread {threading.current_thread().name})")
    DefaultDialect.do_commit = do_commit                               # type: ignore[method-assign]  # the probe patches it

    def report() -> None:
        while True:
            time.sleep(30)
            _say(f"commits so far: {_commits['n']}, {_commits['seconds']:.2f} s in all, "
                 f"slowest {_commits['max'] * 1000:.0f} ms; the whole process held by the machine "
                 f"{_paused['n']} times, {_paused['seconds']:.2f} s in all")
    threading.Thread(target=report, daemon=True).start()


def main() -> int:
    original = asyncio.BaseEventLoop.run_forever

    def run_forever(self):  # noqa: ANN001
        _loop.append(self)
        return original(self)
    asyncio.BaseEventLoop.run_forever = run_forever                    # type: ignore[method-assign]  # the probe patches it
    _wrap_locks()
    _time_commits()
    threading.Thread(target=_watch, args=(threading.get_ident(), threading.get_native_id()), daemon=True).start()
    from chatdesk.cli import main as chatdesk_main
    _say(f"watching for stalls over {STALL} s")
    return chatdesk_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
