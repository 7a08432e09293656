"""`python -m bench.gc_probe server ARGS…`: the real `chatdesk server`, its garbage collections timed.

An instrument for the benches, never used in production. Every collection that takes MIN_MS or
more is written to stderr (the bench server's log) as one line:
    [gc-probe] pid=<pid> at=<time.time()> gen=<0|1|2> ms=<pause>
`pauses(log, since, until)` reads them back. A full (generation 2) collection walks every object
the collector tracks, so its pause grows with what the process holds: each idle websocket keeps
some 230 tracked objects alive (the ASGI call chain's coroutines, closures, queues)."""
from __future__ import annotations

import gc
import os
import re
import sys
import time
from pathlib import Path

MIN_MS = 5.0
LINE = re.compile(r"^\[gc-probe\] pid=(\d+) at=([\d.]+) gen=(\d) ms=([\d.]+)$")


def _watch() -> None:
    started = [0.0]

    def timed(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
            return
        ms = (time.perf_counter() - started[0]) * 1000
        if ms >= MIN_MS:
            sys.stderr.write(f"[gc-probe] pid={os.getpid()} at={time.time():.3f} gen={info['generation']} ms={ms:.1f}\n")
            sys.stderr.flush()
    gc.callbacks.append(timed)


def pauses(log: Path, since: float = 0.0, until: float = float("inf")) -> list[dict]:
    """The timed collections in a server's log between two time.time() values."""
    found = []
    for line in log.read_text(errors="replace").splitlines():
        m = LINE.match(line)
        if m and since <= float(m[2]) <= until:
            found.append({"pid": int(m[1]), "at": float(m[2]), "gen": int(m[3]), "ms": float(m[4])})
    return found


def main() -> int:
    _watch()
    from chatdesk.cli import main as chatdesk_main
    return chatdesk_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
