"""`python -m tests.support.gc_report_server server ARGS…`: the real `chatdesk server`, which on
SIGUSR1 writes what its garbage collector would free to the JSON file $CHATDESK_GC_REPORT:
{"frozen": <objects frozen before>, "garbage": {<type>: <count>}}. It unfreezes everything first
(server/gc_tuning.py freezes survivors), so the count covers every cycle the process holds, then
frees them and freezes again. A test instrument: what a closed connection leaves for a full
collection, instead of reference counting."""
from __future__ import annotations

import gc
import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path
from types import FrameType


def _report(signum: int, frame: FrameType | None) -> None:
    frozen = gc.get_freeze_count()
    gc.unfreeze()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        kinds = Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.garbage)
    finally:
        gc.garbage.clear()
        gc.set_debug(0)
    gc.collect()
    gc.freeze()
    Path(os.environ["CHATDESK_GC_REPORT"]).write_text(json.dumps({"frozen": frozen, "garbage": dict(kinds)}))


def main() -> int:
    signal.signal(signal.SIGUSR1, _report)
    from chatdesk.cli import main as chatdesk_main
    return chatdesk_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
