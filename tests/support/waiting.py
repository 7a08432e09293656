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


async def focus_on(pilot: Any, widget_id: str, timeout: float = 30.0) -> Any:
    """Until the widget with this id has the focus, and return it. Type into a field only after
    this: Pilot leaves a key's effects to settle only until the app looks idle (Textual compares
    its CPU time with the clock), which a loaded machine fools, so keys pressed right after an
    Enter or Tab that moves the focus could reach the field before."""
    app = pilot.app
    return await wait_for(lambda: app.focused is not None and app.focused.id == widget_id and app.focused,
                          f"the focus on #{widget_id}", timeout=timeout, pilot=pilot)
