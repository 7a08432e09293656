"""After the chat: transcript search, review notes the operator can read, export, rating, reports."""
from __future__ import annotations

import asyncio
import json
import time

from tests.support.api import operators
from tests.support.chats import active_chat, closed_chat
from tests.support.visitor import Visitor


async def test_search_read_review_and_export_transcripts(shared_server):
    (lead,), (ana, ben) = await asyncio.gather(operators(shared_server, "lead", role="supervisor"),
                                               operators(shared_server, "ana", "ben"))
    since = time.time() - 1
    word = f"zebra{int(time.time() * 1000) % 100000}"
    _, mine = await closed_chat(shared_server, ana, f"{word} stripes", tags=["returns"], rating=5)
    _, other = await closed_chat(shared_server, ana, "plain kettle", tags=["kettles"], rating=2)
    _, bens = await closed_chat(shared_server, ben, f"{word} horses")

    def ids(r):
        return [t["conversation"]["id"] for t in r["transcripts"]]

    found = await lead.ok("GET", f"/transcripts?q={word}")
    assert set(ids(found)) == {mine, bens}
    assert word in found["transcripts"][0]["snippet"]
    assert ids(await lead.ok("GET", f"/transcripts?q={word}&operator_id={ana.id}")) == [mine]
    assert ids(await lead.ok("GET", f"/transcripts?tag=returns&since={since}")) == [mine]
    assert ids(await lead.ok("GET", f"/transcripts?rating=2&since={since}")) == [other]
    assert ids(await lead.ok("GET", f"/transcripts?q=%22%2A)(OR&since={since}")) == []   # FTS syntax is inert
    # an operator searches only their own
    assert set(ids(await ana.ok("GET", f"/transcripts?q={word}"))) == {mine}
    r = await ana.get(f"/transcripts?operator_id={ben.id}")
    assert r.status_code == 403 and r.json()["message"].endswith(".")

    # review: best mark + coaching note, visible to the operator; mark filter
    review = await lead.ok("POST", f"/transcripts/{mine}/review", {"mark": "best", "note": "Lovely tone."})
    assert review["mark"] == "best" and review["reviewer_name"] == lead.name
    await lead.ok("POST", f"/transcripts/{other}/review", {"mark": "worst", "note": "Too short."})
    assert ids(await lead.ok("GET", f"/transcripts?mark=best&since={since}")) == [mine]
    detail = await ana.ok("GET", f"/transcripts/{mine}")
    assert [r["note"] for r in detail["reviews"]] == ["Lovely tone."]
    assert [p["title"] for p in detail["journey"]] == ["Shoes", "Red shoes"]
    assert [m["kind"] for m in detail["messages"]] == ["text", "text", "note"]
    assert detail["conversation"]["rating"] == 5 and detail["rating_comment"] == "great"
    assert (await ana.get(f"/transcripts/{bens}")).status_code == 403
    r = await lead.post(f"/transcripts/{mine}/review", {})
    assert r.status_code == 422

    md = await lead.get(f"/transcripts/{mine}/export?format=md")
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert f"# Conversation {mine}" in md.text and "Lovely tone." in md.text and "stripes" in md.text
    js = await lead.get(f"/transcripts/{mine}/export?format=json")
    assert json.loads(js.text)["conversation"]["id"] == mine
    assert (await ana.get(f"/transcripts/{mine}/export")).status_code == 200
    assert (await ana.get(f"/transcripts/{bens}/export")).status_code == 403


async def test_markdown_export_keeps_visitor_text_inert(shared_server):
    (ana,) = await operators(shared_server, "ana")
    v = await Visitor(shared_server).arrive()
    cid = await v.start_chat("<script>alert(1)</script> [click](http://evil.example)")
    await ana.accept(cid)
    await ana.ok("POST", f"/conversations/{cid}/close", {})
    md = (await ana.get(f"/transcripts/{cid}/export")).text
    assert "\\<script\\>alert(1)\\</script\\>" in md and "\\[click\\](http" in md   # escaped: plain text
    assert "<script>" not in md


async def test_rating_is_the_visitors_own(shared_server):
    (ana,) = await operators(shared_server, "ana")
    v, cid = await active_chat(shared_server, ana)
    stranger = await Visitor(shared_server).arrive()
    r = await stranger.post(f"/visitor/conversations/{cid}/rating", {"rating": 5})
    assert r.status_code == 404
    r = await v.post(f"/visitor/conversations/{cid}/rating", {"rating": 9})
    assert r.status_code == 422
    assert (await v.ok("POST", f"/visitor/conversations/{cid}/rating", {"rating": 4}))["rating"] == 4


async def test_report_summary_by_operator_and_hour(shared_server):
    # tests run one at a time: the window from `since` holds only this test's chats
    server = shared_server
    (lead,), (ana,) = await asyncio.gather(operators(server, "lead", role="admin"), operators(server, "ana"))
    since = time.time()
    for n in range(3):
        v, cid = await active_chat(server, ana, f"chat {n}")
        await ana.say(cid, "hi")
        await ana.ok("POST", f"/conversations/{cid}/close", {})
        await v.ok("POST", f"/visitor/conversations/{cid}/rating", {"rating": 3 + n % 2})
    gone = await Visitor(server).arrive()
    missed = await gone.start_chat("anyone?")
    await gone.ok("POST", f"/visitor/conversations/{missed}/close")
    rep = await lead.ok("GET", f"/reports/summary?since={since}")
    t = rep["totals"]
    assert (t["chats"], t["answered"], t["missed"], t["ratings"]) == (4, 3, 1, 3)
    assert t["first_response_median"] >= 0 and t["first_response_p90"] >= t["first_response_median"]
    assert t["handle_median"] >= 0 and t["handle_p90"] >= t["handle_median"]
    assert t["rating_average"] == round((3 + 4 + 3) / 3, 2)
    (row,) = rep["by_operator"]
    assert row["operator_id"] == ana.id and row["chats"] == 3 and row["answered"] == 3
    assert len(rep["by_hour"]) == 24 and sum(h["chats"] for h in rep["by_hour"]) == 4
    r = await lead.get(f"/reports/summary?since={time.time() + 10}&until={time.time()}")
    assert r.status_code == 422


async def test_transcripts_until_is_an_open_upper_bound_on_the_close_time(shared_server):
    (lead,), (ana,) = await asyncio.gather(operators(shared_server, "lead", role="supervisor"), operators(shared_server, "ana"))
    word = f"okapi{int(time.time() * 1000) % 100000}"
    closed = []
    for n in range(3):
        _, cid = await closed_chat(shared_server, ana, f"{word} number {n}")
        closed.append((cid, (await lead.ok("GET", f"/conversations/{cid}"))["conversation"]["closed_at"]))
    (first, t0), (second, t1), (third, t2) = closed
    assert t0 < t1 < t2

    async def ids(query: str) -> list[int]:
        found = await lead.ok("GET", f"/transcripts?q={word}&{query}")
        return [t["conversation"]["id"] for t in found["transcripts"]]
    assert await ids(f"until={t1}") == [first]                    # closed exactly at `until`: left out
    assert await ids(f"until={t2}") == [second, first]            # newest first
    assert await ids(f"until={t2 + 0.001}") == [third, second, first]
    assert await ids(f"until={t0}") == []
    assert await ids(f"since={t1}&until={t2}") == [second]        # since is inclusive, until is not
    assert await ids(f"since={t0}&until={t2}") == [second, first]


async def test_report_until_counts_only_chats_that_started_before_it(shared_server):
    (lead,), (ana,) = await asyncio.gather(operators(shared_server, "lead", role="admin"), operators(shared_server, "ana"))
    _, answered = await active_chat(shared_server, ana, "before the bound")
    await ana.say(answered, "hello")
    await ana.ok("POST", f"/conversations/{answered}/close", {})
    gone = await Visitor(shared_server).arrive()
    missed = await gone.start_chat("after the bound, and nobody came")
    await gone.ok("POST", f"/visitor/conversations/{missed}/close")
    _, later = await active_chat(shared_server, ana, "after everything")
    await ana.say(later, "hello again")
    await ana.ok("POST", f"/conversations/{later}/close", {})
    started = [(await lead.ok("GET", f"/conversations/{cid}"))["conversation"]["queued_at"]
               for cid in (answered, missed, later)]
    assert started == sorted(started) and len(set(started)) == 3

    async def totals(since: float, until: float) -> dict:
        rep = await lead.ok("GET", f"/reports/summary?since={since}&until={until}")
        assert (rep["since"], rep["until"]) == (since, until)
        return rep["totals"] | {"operators": [(r["operator_id"], r["chats"]) for r in rep["by_operator"]],
                                "hours": sum(h["chats"] for h in rep["by_hour"])}
    t = await totals(started[0], started[1])                      # the missed chat starts at `until`
    assert (t["chats"], t["answered"], t["missed"], t["hours"]) == (1, 1, 0, 1)
    assert t["operators"] == [(ana.id, 1)]
    t = await totals(started[0], started[2])
    assert (t["chats"], t["answered"], t["missed"], t["hours"]) == (2, 1, 1, 2)
    t = await totals(started[0], started[2] + 0.001)
    assert (t["chats"], t["answered"], t["missed"]) == (3, 2, 1) and t["operators"] == [(ana.id, 2)]
