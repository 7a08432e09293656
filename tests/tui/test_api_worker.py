"""call_api (tui/api_worker.py): a newer call of the same name replaces one not finished, only
the last answer is shown, and a call cancelled before it ran leaves no coroutine that was never
awaited (Python's RuntimeWarning, which the tests of the screens turned up)."""
from __future__ import annotations

import asyncio
import gc
import warnings

from textual.app import App

from chatdesk.tui.api_worker import call_api
from tests.support.waiting import wait_for


async def test_replaced_calls_show_the_last_answer_and_leave_no_coroutine_unawaited():
    app = App()
    answers: list[int] = []

    async def lookup(n: int) -> int:
        await asyncio.sleep(0.05)
        return n

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with app.run_test() as pilot:
            for n in range(6):                  # all asked before any worker has started
                call_api(app, "Lookup", lambda n=n: lookup(n), answers.append, replaces="lookup")
            await wait_for(lambda: answers, "the answer", timeout=20, pilot=pilot)
            await pilot.pause()
        del app
        gc.collect()
    assert answers == [5]
    unawaited = [str(w.message) for w in caught if "never awaited" in str(w.message)]
    assert unawaited == []
