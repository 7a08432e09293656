"""The board's and the report's first-reply figure goes to the operator who sent the first reply, not to the one
who holds the chat after a transfer."""
from __future__ import annotations

import asyncio

from tests.support.api import operators
from tests.support.chats import active_chat


async def test_first_reply_counts_for_its_sender_after_a_transfer(shared_server):
    (boss,), (first, second) = await asyncio.gather(operators(shared_server, "creditboss", role="supervisor"),
                                                    operators(shared_server, "creditfirst", "creditsecond"))
    await asyncio.gather(first.status("online"), second.status("online"))
    v, cid = await active_chat(shared_server, first, "who gets the credit?")
    await first.say(cid, "Hello, I'm on it.")
    moved = await first.post(f"/conversations/{cid}/transfer", {"operator_id": second.id, "note": "yours"})
    assert moved.status_code == 200, moved.text
    if moved.json().get("state") == "queued":
        assert (await second.accept(cid)).status_code == 200
    await second.say(cid, "Taking over from here.")
    board = await boss.ok("GET", "/board")
    rows = {o["id"]: o for o in board["operators"]}
    assert rows[first.id]["first_responses"] == 1 and rows[first.id]["first_response_median"] is not None
    assert rows[second.id]["first_responses"] == 0
    report = await boss.ok("GET", "/reports/summary")
    by = {o["operator_id"]: o for o in report["by_operator"]}
    assert by[first.id]["answered"] == 1 and by[first.id]["first_response_median"] is not None
    assert by[second.id]["answered"] == 0 and by[second.id]["chats"] == 1     # the chat is theirs now
    await v.close()
