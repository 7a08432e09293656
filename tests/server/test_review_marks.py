"""A transcript carries one mark at a time: marking it worst after best leaves only worst (the
earlier note stays), in the transcript, the listing and the mark filter."""
from __future__ import annotations

import asyncio

from tests.support.api import operators
from tests.support.chats import closed_chat


async def test_best_then_worst_leaves_one_mark(shared_server):
    (lead, coach), (ana,) = await asyncio.gather(operators(shared_server, "marklead", "markcoach", role="supervisor"),
                                                 operators(shared_server, "markana"))
    _, cid = await closed_chat(shared_server, ana, "a chat to mark twice")
    await lead.ok("POST", f"/transcripts/{cid}/review", {"mark": "best", "note": "Lovely tone."})
    await coach.ok("POST", f"/transcripts/{cid}/review", {"mark": "worst", "note": "Wrong refund policy."})
    detail = await lead.ok("GET", f"/transcripts/{cid}")
    assert [(r["mark"], r["note"]) for r in detail["reviews"]] == [(None, "Lovely tone."), ("worst", "Wrong refund policy.")]
    listed = await lead.ok("GET", f"/transcripts?operator_id={ana.id}")
    assert [t["marks"] for t in listed["transcripts"] if t["conversation"]["id"] == cid] == [["worst"]]
    best = await lead.ok("GET", f"/transcripts?operator_id={ana.id}&mark=best")
    assert cid not in [t["conversation"]["id"] for t in best["transcripts"]]
    await lead.ok("POST", f"/transcripts/{cid}/review", {"note": "A note alone keeps the mark."})
    assert [r["mark"] for r in (await lead.ok("GET", f"/transcripts/{cid}"))["reviews"]] == [None, "worst", None]
