"""Network calls from a screen: in a worker, never in the handler, and a failure becomes a
notification with the server's sentence (ApiError / ApiUnavailable carry one for people)."""
from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any


def call_api(node: Any, what: str, call: Callable[[], Any],
             done: Callable[[Any], None] | None = None, quiet: bool = False,
             replaces: str | None = None) -> None:
    """Run `call()` (sync or async) in a worker of `node`; `done(result)` on success.

    With `replaces`, a newer call of that name cancels one still running, so only the answer to
    the last question is shown.

    The worker gets the coroutine function, not a coroutine: a worker cancelled before it starts
    (a newer `replaces` call, the screen going away) then leaves no coroutine that was never
    awaited behind."""
    async def work() -> None:
        try:
            result = call()
            if inspect.isawaitable(result):
                result = await result
        except Exception as exc:  # noqa: BLE001 - every failure is told, none crashes the desk
            if not quiet:
                node.notify(str(exc) or f"{what} failed.", title=what, severity="error",
                            markup=False, timeout=10)
            return
        if done is not None:
            done(result)
    node.run_worker(work, group=replaces or "api", exclusive=replaces is not None, exit_on_error=False)
