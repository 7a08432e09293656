"""The garbage collector and a long-running server.

A full collection stops the event loop for a walk of every object the collector tracks, and a
server holding thousands of idle websockets tracks a few hundred objects for each: left alone, the
pause grows with the open streams (seconds at 20,000; docs/performance.md, "Idle visitor
websockets"). Python 3.11 runs one whenever what survived since the last has grown by a quarter.

So what survives a full collection is frozen (gc.freeze: moved where collections do not look),
and the next full collection walks only what came after it: start-up's modules and app once the
server is ready, then each generation of streams once it has lasted through one full collection.
Frozen objects that die are freed by reference counting as usual; only a cycle among them would
wait, so the server breaks the cycles a lost connection leaves (security/guarded_server.py), and
the first full collection DEEP_INTERVAL seconds after the last deep one unfreezes everything and
walks it all (the long pause, at most that often), so no cycle is kept for good."""
from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

DEEP_INTERVAL = 600.0


class SurvivorFreezer:
    """The gc callback: freezes after each full collection; unfreezes before one at most every
    `deep_interval` seconds."""

    def __init__(self, deep_interval: float = DEEP_INTERVAL, clock: Callable[[], float] = time.monotonic) -> None:
        self.deep_interval = deep_interval
        self.clock = clock
        self.last_deep = clock()
        self.full = 0            # full collections seen
        self.deep = 0            # of them, walking the frozen objects too

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self.full += 1
            if self.clock() - self.last_deep >= self.deep_interval:
                self.deep += 1
                self.last_deep = self.clock()
                gc.unfreeze()
        elif phase == "stop":
            gc.freeze()

    def uninstall(self) -> None:
        """At shutdown (several apps may run in one test process, one after another)."""
        if self in gc.callbacks:
            gc.callbacks.remove(self)


def freeze_startup_objects() -> SurvivorFreezer:
    """Once the server is ready: collect what start-up left over, freeze the rest, and from then
    on freeze what each full collection leaves. Returns the callback (installed once)."""
    gc.collect()
    gc.freeze()
    for callback in gc.callbacks:
        if isinstance(callback, SurvivorFreezer):
            return callback
    freezer = SurvivorFreezer()
    gc.callbacks.append(freezer)
    return freezer
