"""More of the staff screens on the real desk against the real server, checked on the server after
the keys: the monitor's journey sidebar follows the visitor, a trainer switches approval mode off
(v on the board), and a transcript marked worst in review."""
from __future__ import annotations

import time

import pytest
from textual.widgets import DataTable

from chatdesk.tui.screens.monitor import MonitorScreen
from chatdesk.tui.widgets.journey_sidebar import JourneySidebar
from tests.support.accounts import make_accounts
from tests.support.api import Api, new_id
from tests.support.desk import make_desk, on_board, operator_row, put_cursor, transcript_text, until_live
from tests.support.harness import screen_text
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

SIZE = (120, 34)
PEOPLE = {"sue": ("Sue Super", "supervisor"), "tom": ("Tom Trainer", "trainer"),
          "rio": ("Rio Op", "operator"), "nel": ("Nel Novice", "operator")}


@pytest.fixture(scope="module")
def team(shared_server):
    """Fresh accounts on the shared server, by key."""
    return make_accounts(shared_server, "staff-controls.test", PEOPLE)


async def test_monitor_sidebar_shows_where_the_visitor_is_and_follows(shared_server, team, tmp_path):
    v = await Visitor(shared_server.url).arrive("https://shop.test/", "Home", referrer="https://ads.test/")
    await v.view("https://shop.test/checkout", "Checkout – Shop")
    cid = await v.start_chat("The pay button does nothing", name="Mona Monitor")
    rio = Api(shared_server, team["rio"])
    assert (await rio.post(f"/conversations/{cid}/accept")).status_code == 200
    sup = make_desk(shared_server, team["sue"], tmp_path)
    async with sup.run_test(size=SIZE) as pilot:
        board = await on_board(pilot, sup)
        await wait_for(lambda: any(c.id == cid for c in board.live), what="in the live chats", pilot=pilot)
        await put_cursor(pilot, board.query_one("#board-live", DataTable), [c.id for c in board.live].index(cid))
        await pilot.press("m")
        monitor = await wait_for(lambda: isinstance(sup.screen, MonitorScreen) and sup.screen, what="monitor", pilot=pilot)
        sidebar = monitor.query_one(JourneySidebar)
        assert sidebar.region.width > 0

        def side() -> str:
            return "\n".join(line[sidebar.region.x:sidebar.region.right] for line in screen_text(sup).splitlines())
        # Titles show without the shop's name (" – Shop").
        await wait_for(lambda: "Now: Checkout" in side() and "https://shop.test/checkout" in side(),
                       what="the current page in the monitor's sidebar", pilot=pilot)
        text = side()
        assert "Mona Monitor" in text and "From: https://ads.test/" in text
        assert " Home" in text and " Checkout" in text and "– Shop" not in text    # the pages seen
        await v.view("https://shop.test/help", "Help – Shop")                      # the visitor moves on
        await wait_for(lambda: "Now: Help" in side(), what="the monitor follows the page", pilot=pilot)
        assert " Help" in side() and not sup.errors()
    await rio.post(f"/conversations/{cid}/close", {"summary": "pay button"})
    await rio.close()
    await v.close()


async def test_trainer_switches_approval_mode_off_from_the_board(shared_server, team, tmp_path):
    tom, nel = Api(shared_server, team["tom"]), Api(shared_server, team["nel"])
    nel_id = (await nel.ok("GET", "/me"))["id"]
    await tom.ok("PATCH", f"/operators/{nel_id}", {"approval_required": True})
    v = await Visitor(shared_server.url).arrive()
    cid = await v.start_chat("Is the shop open on Sunday?", name="Otto Off")
    assert (await nel.post(f"/conversations/{cid}/accept")).status_code == 200
    held = await nel.post(f"/conversations/{cid}/messages", {"client_msg_id": new_id(), "body": "yes i think"})
    assert held.status_code == 202                                   # approval mode is on: held

    trainer = make_desk(shared_server, team["tom"], tmp_path / "tom")
    novice = make_desk(shared_server, team["nel"], tmp_path / "nel")
    async with trainer.run_test(size=SIZE) as tp, novice.run_test(size=SIZE) as npl:
        board = await on_board(tp, trainer)
        await until_live(npl, novice)
        await wait_for(lambda: "approval mode: replies wait for a trainer" in screen_text(novice),
                       what="approval mode shown on the novice desk", pilot=npl)
        row = await wait_for(lambda: (o := operator_row(board, "Nel Novice")) and o.approval_required and o,
                             what="approval mode on the board", pilot=tp)
        await put_cursor(tp, board.query_one("#board-operators", DataTable), board.operator_rows.index(row))
        await tp.press("v")                                          # approval mode off: asks first
        await wait_for(lambda: "Approval mode off for" in screen_text(trainer), what="the question", pilot=tp)
        await tp.press("y")
        await wait_for(lambda: not operator_row(board, "Nel Novice").approval_required, what="off on the board", pilot=tp)
        assert any(m == "Approval mode off for Nel Novice. Messages already held still wait for a trainer."
                   for m, _ in trainer.notes)
        on_server = {o["id"]: o for o in (await tom.ok("GET", "/operators"))["operators"]}
        assert on_server[nel_id]["approval_required"] is False

        await wait_for(lambda: not novice.desk.store.me.approval_required, what="off on the novice desk", pilot=npl)
        await wait_for(lambda: any("straight to the visitor again" in m for m, _ in novice.notes), what="told", pilot=npl)
        assert "approval mode: replies wait" not in screen_text(novice)
        await wait_for(lambda: novice.desk.active_id == cid, what="the novice's tab", pilot=npl)
        await npl.press(*"Yes, 10-16")
        await npl.press("enter")
        await wait_for(lambda: any(m.body == "Yes, 10-16" for m in novice.desk.store.conversations[cid].messages),
                       what="sent straight away", pilot=npl)
        assert "awaiting approval" in transcript_text(novice, cid)    # the earlier one still waits
        bodies = [m["body"] for m in await v.transcript()]
        assert "Yes, 10-16" in bodies and "yes i think" not in bodies
        pending = [a for a in (await tom.ok("GET", "/approvals"))["approvals"] if a["conversation_id"] == cid]
        assert [(a["body"], a["state"]) for a in pending] == [("yes i think", "pending")]
        assert not trainer.errors() and not novice.errors()
    await tom.post(f"/approvals/{pending[0]['id']}", {"action": "reject"})
    await nel.post(f"/conversations/{cid}/close", {"summary": "hours"})
    await tom.close()
    await nel.close()
    await v.close()


async def test_review_marks_a_transcript_worst_with_a_coaching_note(shared_server, team, tmp_path):
    from chatdesk.tui.screens.review import TranscriptReviewScreen
    from chatdesk.tui.screens.transcript_read import TranscriptReadScreen
    word = f"wombat{int(time.time() * 1000) % 100000}"
    rio, tom = Api(shared_server, team["rio"]), Api(shared_server, team["tom"])
    v = await Visitor(shared_server.url).arrive()
    cid = await v.start_chat(f"A {word} question", name="Walt Worst")
    assert (await rio.post(f"/conversations/{cid}/accept")).status_code == 200
    await rio.ok("POST", f"/conversations/{cid}/messages", {"client_msg_id": new_id(), "body": "dunno"})
    await rio.ok("POST", f"/conversations/{cid}/close", {"summary": "no help"})
    trainer = make_desk(shared_server, team["tom"], tmp_path)
    async with trainer.run_test(size=SIZE) as pilot:
        await on_board(pilot, trainer)
        await pilot.press("t")
        review = await wait_for(lambda: isinstance(trainer.screen, TranscriptReviewScreen) and trainer.screen,
                                what="review screen", pilot=pilot)
        await pilot.press(*word, "enter")
        await wait_for(lambda: [t.conversation.id for t in review.results] == [cid], what="found", pilot=pilot)
        await pilot.press("ctrl+l", "enter")
        reader = await wait_for(lambda: isinstance(trainer.screen, TranscriptReadScreen)
                                and trainer.screen.detail and trainer.screen, what="the transcript", pilot=pilot)
        await pilot.press("w", *"Say you will check", "enter")
        await wait_for(lambda: reader.detail.reviews and reader.detail.reviews[-1].mark == "worst",
                       what="marked worst", pilot=pilot)
        text = screen_text(trainer)
        assert "✗ worst" in text and "Say you will check" in text and "★ best" not in text
        assert not trainer.errors()
    worst = await tom.ok("GET", f"/transcripts?mark=worst&q={word}")
    assert [t["conversation"]["id"] for t in worst["transcripts"]] == [cid]
    assert (await tom.ok("GET", f"/transcripts?mark=best&q={word}"))["transcripts"] == []
    detail = await rio.ok("GET", f"/transcripts/{cid}")                   # the operator reads the note
    assert [(r["mark"], r["note"], r["reviewer_name"]) for r in detail["reviews"]] == \
        [("worst", "Say you will check", "Tom Trainer")]
    await rio.close()
    await tom.close()
    await v.close()
