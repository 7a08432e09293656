"""Work only the sweeper-lease holder does: started when this process takes the lease, cancelled
when it loses it (a stalled loop, a database it could not reach), started again on the next take."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

CHECK = 0.2     # seconds between looks at the lease (it is held in memory: no query)


async def while_holding(held: Callable[[], bool], work: Callable[[], Coroutine[Any, Any, None]]) -> None:
    task: asyncio.Task | None = None
    try:
        while True:
            if held() and task is None:
                task = asyncio.create_task(work())
            elif task is not None and (not held() or task.done()):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
                task = None
            await asyncio.sleep(CHECK)
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
