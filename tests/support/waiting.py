"""Wait for a condition, never sleep and hope."""
from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable
from typing import Any


async def wait_for(condition: Callable[[], Any], what: str = "", *, timeout: float = 30.0,
                   pilot: Any = None, interval: float = 0.02) -> Any:
    """Poll `condition()` (plain or async) until it returns something truthy and return that; fail
    with `what` after `timeout` seconds. With a Textual `pilot`, the app runs between polls
    (`pilot.pause`), so what a test reads from the screen is drawn."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}")
        if pilot is not None:
            await pilot.pause(interval)
        else:
            await asyncio.sleep(interval)
