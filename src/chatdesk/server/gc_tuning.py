"""The garbage collector and a long-running server.

What start-up builds (modules, the app, its routes, models and compiled statements) lives as long
as the process, yet every full collection walks it again, and a full collection stops the event
loop for as long as the walk takes (docs/performance.md, "Idle visitor websockets"). So once the
server is ready, collect what start-up left over and freeze the rest: later full collections walk
only what came after (connections, their tasks and buffers)."""
from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    gc.collect()
    gc.freeze()
