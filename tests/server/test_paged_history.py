"""Paged reads of a long conversation: the newest page first, older pages on request, and a
reload from a seq on, each saying whether older messages exist."""
from __future__ import annotations

from tests.support.api import Operator
from tests.support.visitor import Visitor


async def _chat_with(shared_server, n: int) -> tuple[Operator, int, list[dict]]:
    ana = await Operator.create(shared_server, "pager@example.com")
    visitor = await Visitor(shared_server).arrive()
    cid = await visitor.start_chat("m0")
    await ana.accept(cid)
    for i in range(1, n):
        await (ana.say(cid, f"m{i}") if i % 2 else visitor.say(f"m{i}"))
    full = (await ana.ok("GET", f"/conversations/{cid}"))["messages"]
    assert [m["body"] for m in full] == [f"m{i}" for i in range(n)]
    return ana, cid, full


async def test_the_last_page_then_older_pages_down_to_the_first_message(shared_server):
    ana, cid, full = await _chat_with(shared_server, 23)
    detail = await ana.ok("GET", f"/conversations/{cid}?last=10&events=false")
    assert [m["id"] for m in detail["messages"]] == [m["id"] for m in full[-10:]]
    assert detail["has_older"] is True and detail["events"] == []

    got = detail["messages"]
    pages = 0
    while True:
        page = await ana.ok("GET", f"/conversations/{cid}/messages?before_seq={got[0]['seq']}&limit=10")
        got = page["messages"] + got
        pages += 1
        if not page["has_older"]:
            break
    assert pages == 2 and [m["id"] for m in got] == [m["id"] for m in full]
    empty = await ana.ok("GET", f"/conversations/{cid}/messages?before_seq={full[0]['seq']}")
    assert empty == {"messages": [], "has_older": False}


async def test_a_reload_after_a_seq_covers_everything_since_and_knows_what_is_older(shared_server):
    ana, cid, full = await _chat_with(shared_server, 12)
    cut = full[4]["seq"]
    detail = await ana.ok("GET", f"/conversations/{cid}?after_seq={cut}")
    assert [m["id"] for m in detail["messages"]] == [m["id"] for m in full[5:]]
    assert detail["has_older"] is True
    assert detail["events"] and min(e["seq"] for e in detail["events"]) > cut
    everything = await ana.ok("GET", f"/conversations/{cid}?last=500")
    assert len(everything["messages"]) == 12 and everything["has_older"] is False
    default = await ana.ok("GET", f"/conversations/{cid}")     # the contract: all, with events
    assert len(default["messages"]) == 12 and default["events"] and default["has_older"] is False


async def test_bad_page_requests_get_a_sentence_and_strangers_get_nothing(shared_server):
    ana, cid, _ = await _chat_with(shared_server, 3)
    for path in (f"/conversations/{cid}?last=0", f"/conversations/{cid}?after_seq=-1",
                 f"/conversations/{cid}/messages", f"/conversations/{cid}/messages?before_seq=5&limit=0",
                 f"/conversations/{cid}/messages?before_seq=abc"):
        r = await ana.get(path)
        assert r.status_code == 422, (path, r.status_code)
        assert r.json()["message"].endswith("."), r.json()
    bob = await Operator.create(shared_server, "bob@example.com")
    r = await bob.get(f"/conversations/{cid}/messages?before_seq=99")
    assert r.status_code == 403 and "not yours" in r.json()["message"]
    r = await bob.get("/conversations/999999/messages?before_seq=9")
    assert r.status_code == 404


async def test_the_last_page_at_its_edges_exactly_n_and_one_more(shared_server):
    ana, cid, full = await _chat_with(shared_server, 11)
    exact = await ana.ok("GET", f"/conversations/{cid}?last=11&events=false")
    assert [m["id"] for m in exact["messages"]] == [m["id"] for m in full] and exact["has_older"] is False
    one_short = await ana.ok("GET", f"/conversations/{cid}?last=10&events=false")
    assert [m["id"] for m in one_short["messages"]] == [m["id"] for m in full[1:]]
    assert one_short["has_older"] is True
    single = await ana.ok("GET", f"/conversations/{cid}?last=1&events=false")
    assert [m["id"] for m in single["messages"]] == [full[-1]["id"]] and single["has_older"] is True
