"""`python -m bench.memory_probe server ARGS…`: the real `chatdesk server` under tracemalloc.

An instrument for the benches, never used in production. Each SIGUSR1 writes a snapshot to
$BENCH_MEMORY_DIR/snap-<n>.pickle (default: the working folder); compare two with
`python -m bench.memory_probe compare A B` to see which lines hold what grew in between.
"""
from __future__ import annotations

import os
import signal
import sys
import tracemalloc
from itertools import count
from pathlib import Path

FRAMES = 12


def _dump_on_signal() -> None:
    folder = Path(os.environ.get("BENCH_MEMORY_DIR", "."))
    numbers = count(1)

    def dump(_signum: int, _frame: object) -> None:
        path = folder / f"snap-{next(numbers)}.pickle"
        tracemalloc.take_snapshot().dump(str(path))
        path.with_suffix(".done").write_text("ok")
    signal.signal(signal.SIGUSR1, dump)


def compare(before: str, after: str, top: int = 25, key: str = "traceback") -> None:
    old, new = tracemalloc.Snapshot.load(before), tracemalloc.Snapshot.load(after)
    stats = new.compare_to(old, key)
    total = sum(s.size_diff for s in stats)
    print(f"grew {total / 1024:.0f} KiB in {sum(s.count_diff for s in stats)} blocks")
    for s in stats[:top]:
        print(f"\n{s.size_diff / 1024:9.0f} KiB  {s.count_diff:+8d} blocks")
        for line in s.traceback.format()[-2 * FRAMES:]:
            print("   ", line)


def main() -> int:
    if sys.argv[1:2] == ["compare"]:
        compare(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 25,
                sys.argv[5] if len(sys.argv) > 5 else "traceback")
        return 0
    tracemalloc.start(FRAMES)
    _dump_on_signal()
    from chatdesk.cli import main as chatdesk_main
    return chatdesk_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
