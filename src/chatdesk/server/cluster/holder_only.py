"""Work only the sweeper-lease holder does: started when this process takes the lease, cancelled
when it loses it (a stalled loop, a database it could not reach), started afresh for each new
holding. The work's own steps ask the fence (fence.py) too: this look runs only every CHECK."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

CHECK = 0.2     # seconds between looks at the lease (it is held in memory: no query)


async def _cancel(task: asyncio.Task) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task


async def while_holding(holding: Callable[[], float], work: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """`holding()`: the current holding's token, 0 when this process cannot prove it holds the lease."""
    task: asyncio.Task | None = None
    ran_for = 0.0
    try:
        while True:
            token = holding()
            if task is not None and (token != ran_for or task.done()):
                await _cancel(task)
                task = None
            if token and task is None:
                task, ran_for = asyncio.create_task(work()), token
            await asyncio.sleep(CHECK)
    finally:
        if task is not None:
            await _cancel(task)
