"""After the chat: transcript search, review notes the operator can read, export, rating, reports."""
from __future__ import annotations

import asyncio
import json
import time

from .helpers import Visitor, operators
from .test_supervision import _active_chat


async def _closed_chat(srv, op, words: str, *, tags=(), rating: int | None = None, title: str = "Shoes"):
    v = await Visitor.arrive(srv, url="https://shop.example/shoes", title=title)
    await v.view("https://shop.example/shoes/red", "Red shoes")
    cid = await v.start_chat(f"question about {words}", name="Rita")
    await op.accept(cid)
    await op.say(cid, f"answer about {words}")
    await op.say(cid, "coach me", kind="note")
    await op.ok("POST", f"/conversations/{cid}/close", {"summary": "done", "tags": list(tags)})
    if rating is not None:
        rated = await v.ok("POST", f"/visitor/conversations/{cid}/rating", {"rating": rating, "comment": "great"})
        assert rated["rating"] == rating
    return v, cid


async def test_search_read_review_and_export_transcripts(shared):
    (lead,), (ana, ben) = await asyncio.gather(operators(shared, "lead", role="supervisor"),
                                               operators(shared, "ana", "ben"))
    since = time.time() - 1
    word = f"zebra{int(time.time() * 1000) % 100000}"
    _, mine = await _closed_chat(shared, ana, f"{word} stripes", tags=["returns"], rating=5)
    _, other = await _closed_chat(shared, ana, "plain kettle", tags=["kettles"], rating=2)
    _, bens = await _closed_chat(shared, ben, f"{word} horses")

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


async def test_markdown_export_keeps_visitor_text_inert(shared):
    (ana,) = await operators(shared, "ana")
    v = await Visitor.arrive(shared)
    cid = await v.start_chat("<script>alert(1)</script> [click](http://evil.example)")
    await ana.accept(cid)
    await ana.ok("POST", f"/conversations/{cid}/close", {})
    md = (await ana.get(f"/transcripts/{cid}/export")).text
    assert "\\<script\\>alert(1)\\</script\\>" in md and "\\[click\\](http" in md   # escaped: plain text
    assert "<script>" not in md


async def test_rating_is_the_visitors_own(shared):
    (ana,) = await operators(shared, "ana")
    v, cid = await _active_chat(shared, ana)
    stranger = await Visitor.arrive(shared)
    r = await stranger.post(f"/visitor/conversations/{cid}/rating", {"rating": 5})
    assert r.status_code == 404
    r = await v.post(f"/visitor/conversations/{cid}/rating", {"rating": 9})
    assert r.status_code == 422
    assert (await v.ok("POST", f"/visitor/conversations/{cid}/rating", {"rating": 4}))["rating"] == 4


async def test_report_summary_by_operator_and_hour(shared):
    # tests run one at a time: the window from `since` holds only this test's chats
    server = shared
    (lead,), (ana,) = await asyncio.gather(operators(server, "lead", role="admin"), operators(server, "ana"))
    since = time.time()
    for n in range(3):
        v, cid = await _active_chat(server, ana, f"chat {n}")
        await ana.say(cid, "hi")
        await ana.ok("POST", f"/conversations/{cid}/close", {})
        await v.ok("POST", f"/visitor/conversations/{cid}/rating", {"rating": 3 + n % 2})
    gone = await Visitor.arrive(server)
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
