"""Supervisor and trainer screens on the real desk against the real server: the live board, monitor
with the operator seeing the watcher, whispers that never reach the visitor, take over, a lowered
cap on a novice's desk, approval end to end through both desks. Two desks run side by side, each
driven only by keys."""
from __future__ import annotations

import re

import pytest
from textual.widgets import DataTable

from chatdesk.tui.screens.approvals import ApprovalQueueScreen
from chatdesk.tui.screens.monitor import MonitorScreen
from chatdesk.tui.widgets.transcript import Transcript
from tests.support.accounts import make_accounts
from tests.support.desk import make_desk, on_board, operator_row, put_cursor, transcript_text, until_live
from tests.support.harness import screen_text
from tests.support.live_server import serving
from tests.support.visitor import Visitor
from tests.support.waiting import focus_on, wait_for

SIZE = (120, 34)
PEOPLE = {"sam": ("Sam Super", "supervisor"), "tina": ("Tina Trainer", "trainer"),
          "ola": ("Ola Op", "operator"), "nia": ("Nia Novice", "operator"), "pat": ("Pat Novice", "operator")}


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    """This module reads the whole board and the approval queue: what other desk tests leave on
    the package's server would crowd them, so its tests share a server of their own."""
    yield from serving(tmp_path_factory.mktemp("test_supervision"))


@pytest.fixture(scope="module")
def staff(shared_server):
    """Fresh accounts on the shared server, by key."""
    return make_accounts(shared_server, "supervision.test", PEOPLE)


async def test_board_live_monitor_watcher_whisper_and_take_over(shared_server, staff, tmp_path):
    v = await Visitor(shared_server.url).arrive("https://shop.test/cart", "Cart")
    cid = await v.start_chat("Where is my parcel [b]now[/b]?", name="Vera [i]Board[/i]")
    sup = make_desk(shared_server, staff["sam"], tmp_path / "sam")
    op = make_desk(shared_server, staff["ola"], tmp_path / "ola")
    async with sup.run_test(size=SIZE) as sp, op.run_test(size=SIZE) as opl:
        board = await on_board(sp, sup)
        await wait_for(lambda: any(e.conversation.id == cid for e in sup.desk.store.oversight.board.queue),
                       what="the chat in the board's queue", pilot=sp)
        await wait_for(lambda: "Vera [i]Board[/i]" in screen_text(sup), what="the queue row, markup inert", pilot=sp)

        await until_live(opl, op)
        await wait_for(lambda: cid in op.desk.store.queue, what="queued on the operator desk", pilot=opl)
        await opl.press("ctrl+o")                                  # the operator accepts
        await wait_for(lambda: op.desk.active_id == cid, what="accepted", pilot=opl)
        row = await wait_for(lambda: (o := operator_row(board, "Ola Op")) and o.active_chats == 1 and o,
                             what="the board shows the chat held", pilot=sp)
        assert row.longest_wait is not None and row.longest_wait.conversation_id == cid
        await wait_for(lambda: any(c.id == cid for c in board.live), what="in the live chats", pilot=sp)
        await wait_for(lambda: "1/4" in screen_text(sup), what="1/4 on screen " + screen_text(sup), pilot=sp)

        # monitor it from the live chats table
        await put_cursor(sp, board.query_one("#board-live", DataTable), [c.id for c in board.live].index(cid))
        await sp.press("m")
        monitor = await wait_for(lambda: isinstance(sup.screen, MonitorScreen) and sup.screen, what="monitor", pilot=sp)
        mt = monitor.query_one(Transcript)
        await wait_for(lambda: any("my parcel [b]now[/b]?" in line for line in mt.plain_lines()),
                       what="the transcript in the monitor", pilot=sp)
        assert "Monitoring Vera [i]Board[/i] with Ola Op" in screen_text(sup)
        await wait_for(lambda: "◉ Sam Super watching" in screen_text(op), what="the operator sees the watcher", pilot=opl)
        await v.say("It was due on Monday")
        await wait_for(lambda: any("due on Monday" in line for line in mt.plain_lines()), what="monitor follows live", pilot=sp)

        await sp.press("w")
        await sp.press(*"Ask for the tracking number")
        await sp.press("enter")
        await wait_for(lambda: "Ask for the tracking number" in transcript_text(op, cid), what="whisper on the desk", pilot=opl)
        text = transcript_text(op, cid)
        assert "✉ whisper from Sam Super" in text and "the visitor never sees it" in text
        await opl.press(*"Could you send the tracking number?")
        await opl.press("enter")
        await wait_for(lambda: any("send the tracking number?" in line for line in mt.plain_lines()),
                       what="the operator's reply in the monitor", pilot=sp)
        assert all("Ask for the tracking" not in m["body"] for m in await v.transcript())

        await sp.press("j")                                        # join: the visitor sees Sam joined
        await wait_for(lambda: "◉ Sam Super joined" in screen_text(op), what="the operator sees the join", pilot=opl)
        assert any("Sam Super joined the chat." in m["body"] for m in await v.transcript())

        await sp.press("r")                                        # reassign to Tina
        dialog = sup.screen
        await wait_for(lambda: getattr(dialog, "targets", None), what="reassign dialog", pilot=sp)
        while dialog.targets[dialog.query_one("#reassign-target").highlighted].name != "Tina Trainer":
            await sp.press("down")
        await sp.press("enter")
        await focus_on(sp, "reassign-note")
        await sp.press(*"Tina knows parcels", "enter")
        await wait_for(lambda: cid not in op.desk.tab_order, what="the operator's tab is gone", pilot=opl)
        await wait_for(lambda: any("Tina Trainer" in m and "moved" in m for m, _ in op.notes), what="told", pilot=opl)
        await wait_for(lambda: "with Tina Trainer" in screen_text(sup), what="the monitor follows the move", pilot=sp)

        await sp.press("o")                                        # take over from Tina: asks first
        await wait_for(lambda: "Take this chat over?" in screen_text(sup), what="the question", pilot=sp)
        await sp.press("y")
        await wait_for(lambda: sup.desk.active_id == cid and sup.screen is sup.desk, what="the chat is Sam's", pilot=sp)
        await sp.press(*"Sam here, I will sort it out.")
        await sp.press("enter")
        await wait_for(lambda: any(m.body == "Sam here, I will sort it out." for m in
                                       sup.desk.store.conversations[cid].messages), what="Sam's reply sent", pilot=sp)
        bodies = [m["body"] for m in await v.transcript()]
        assert "Sam here, I will sort it out." in bodies and not any("tracking number" in b and "Ask" in b for b in bodies)
        assert not sup.errors() and not op.errors()
    await v.close()


async def test_a_lower_cap_shows_on_the_novice_desk_and_refuses_an_accept(shared_server, staff, tmp_path):
    visitors = [await Visitor(shared_server.url).arrive() for _ in range(4)]
    cids = [await v.start_chat(f"capped chat {n}", name=f"Cap {n}") for n, v in enumerate(visitors)]
    trainer = make_desk(shared_server, staff["tina"], tmp_path / "tina")
    novice = make_desk(shared_server, staff["nia"], tmp_path / "nia")
    async with trainer.run_test(size=SIZE) as tp, novice.run_test(size=SIZE) as npl:
        board = await on_board(tp, trainer)
        await until_live(npl, novice)
        await wait_for(lambda: all(c in novice.desk.store.queue for c in cids), what="four queued", pilot=npl)
        for n in range(3):
            await npl.press("ctrl+o")
            await wait_for(lambda n=n: len(novice.desk.tab_order) == n + 1, what=f"chat {n + 1} accepted", pilot=npl)
        await wait_for(lambda: (o := operator_row(board, "Nia Novice")) and o.active_chats == 3, what="3 on board", pilot=tp)

        await put_cursor(tp, board.query_one("#board-operators", DataTable),
                         board.operator_rows.index(operator_row(board, "Nia Novice")))
        from chatdesk.tui.commands import DeskCommands
        from chatdesk.tui.screens.help import HelpScreen, key_rows
        titles = [title for title, _, _ in DeskCommands(board)._commands()]
        assert "Board: set the selected operator's chat limit" in titles   # the board's keys by name
        await tp.press("f1")
        await wait_for(lambda: isinstance(trainer.screen, HelpScreen), what="F1 on the board", pilot=tp)
        await wait_for(lambda: "List every key" in screen_text(trainer), what="the key list drawn", pilot=tp)
        assert {"staff.board", "board.cap", "approvals.edit", "monitor.whisper"} <= {r[2] for r in key_rows({})}
        await tp.press("escape")
        await wait_for(lambda: trainer.screen is board, what="back on the board", pilot=tp)
        await tp.press("n")                                        # mark as novice: asks first
        await wait_for(lambda: "as a novice?" in screen_text(trainer), what="the question", pilot=tp)
        await tp.press("y")
        await wait_for(lambda: operator_row(board, "Nia Novice").novice, what="novice flag on the board", pilot=tp)
        await tp.press("c")
        await tp.press("backspace", "2", "enter")                  # the dialog starts with the cap (4)
        await wait_for(lambda: novice.desk.store.me.max_chats == 2, what="the new cap on the novice desk", pilot=npl)
        await wait_for(lambda: "chats 3/2" in screen_text(novice), what="3/2 in the status bar", pilot=npl)
        await wait_for(lambda: "3/2" in screen_text(trainer), what="3/2 on the board", pilot=tp)
        assert any("Your chat limit is now 2." in m for m, _ in novice.notes)

        await npl.press("ctrl+o")                                  # the fourth: refused by the server
        await wait_for(lambda: novice.errors(), what="the refusal", pilot=npl)
        assert novice.errors()[-1] == "You already hold 3 chats, your limit is 2."
        assert len(novice.desk.tab_order) == 3
    for v in visitors:
        await v.call("POST", f"/visitor/conversations/{v.cid}/close")   # leave nothing in the queue
        await v.close()


async def test_approval_through_both_desks(shared_server, staff, tmp_path):
    v = await Visitor(shared_server.url).arrive()
    cid = await v.start_chat("Do you ship to Iceland?", name="Ivy Approve")
    trainer = make_desk(shared_server, staff["tina"], tmp_path / "tina")
    novice = make_desk(shared_server, staff["pat"], tmp_path / "pat")
    async with trainer.run_test(size=SIZE) as tp, novice.run_test(size=SIZE) as npl:
        board = await on_board(tp, trainer)
        await wait_for(lambda: operator_row(board, "Pat Novice"), what="Pat on the board", pilot=tp)
        await put_cursor(tp, board.query_one("#board-operators", DataTable),
                         board.operator_rows.index(operator_row(board, "Pat Novice")))
        await tp.press("v")                                        # approval mode on: asks first
        await wait_for(lambda: "Approval mode on for" in screen_text(trainer), what="the question", pilot=tp)
        await tp.press("y")
        await until_live(npl, novice)
        await wait_for(lambda: "approval mode: replies wait for a trainer" in screen_text(novice), what="approval mode shown", pilot=npl)
        await wait_for(lambda: cid in novice.desk.store.queue, what="queued", pilot=npl)
        await npl.press("ctrl+o")
        await wait_for(lambda: novice.desk.active_id == cid, what="accepted", pilot=npl)
        await npl.press(*"ya")
        await npl.press("enter")
        await wait_for(lambda: "◔ awaiting approval" in transcript_text(novice, cid), what="held on the desk", pilot=npl)

        await tp.press("a")                                        # the approval queue
        queue = await wait_for(lambda: isinstance(trainer.screen, ApprovalQueueScreen) and trainer.screen,
                               what="approval screen", pilot=tp)
        await wait_for(lambda: any(a.conversation_id == cid for a in queue.items), what="held message listed", pilot=tp)
        assert queue.selected.body == "ya"
        await wait_for(lambda: any("ya" == line.strip() for line in queue.query_one(Transcript).plain_lines())
                       and "Do you ship to Iceland?" in "\n".join(queue.query_one(Transcript).plain_lines()),
                       what="the conversation around it", pilot=tp)
        await tp.press("e")
        await tp.press("backspace", "backspace", *"Yes, we ship to Iceland in 3-5 days.")
        await tp.press("ctrl+s")
        edit = "Yes, we ship to Iceland in 3-5 days."
        await wait_for(lambda: re.search(r"approved by Tina Trainer at \d\d:\d\d \(edited\)", transcript_text(novice, cid)),
                       what="approved on the novice desk", pilot=npl)
        assert edit in transcript_text(novice, cid) and "awaiting approval" not in transcript_text(novice, cid)

        await npl.press(*"whatever, bye")
        await npl.press("enter")
        await wait_for(lambda: any(a.body == "whatever, bye" for a in queue.items), what="second held", pilot=tp)
        await tp.press("x")
        await tp.press(*"Never say that.")
        await tp.press("enter")
        await wait_for(lambda: "✗ rejected" in transcript_text(novice, cid), what="rejected on the desk", pilot=npl)
        assert "Tina Trainer: Never say that." in transcript_text(novice, cid)
        bodies = [m["body"] for m in await v.transcript()]
        assert bodies.count(edit) == 1 and "ya" not in bodies and "whatever, bye" not in bodies
        assert not trainer.errors() and not novice.errors()
    await v.close()


async def test_review_mark_export_report_and_an_operator_is_kept_off_the_board(shared_server, staff, tmp_path,
                                                                               monkeypatch):
    import json

    from chatdesk.tui.screens.report import ReportScreen
    from chatdesk.tui.screens.review import TranscriptReviewScreen
    from chatdesk.tui.screens.transcript_read import TranscriptReadScreen
    elsewhere = tmp_path / "started-here"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)                     # exports go to the configured folder, never here
    v = await Visitor(shared_server.url).arrive()
    cid = await v.start_chat("A quokka question", name="Quinn Review")
    op = make_desk(shared_server, staff["ola"], tmp_path / "ola")
    trainer = make_desk(shared_server, staff["tina"], tmp_path / "tina", export_dir=str(tmp_path))
    async with op.run_test(size=SIZE) as opl, trainer.run_test(size=SIZE) as tp:
        await until_live(opl, op)
        await wait_for(lambda: cid in op.desk.store.queue, what="queued", pilot=opl)
        await opl.press("ctrl+o")
        await wait_for(lambda: op.desk.active_id == cid, what="accepted", pilot=opl)
        await opl.press(*"A quokka answer")
        await opl.press("enter")
        await wait_for(lambda: len(op.desk.store.conversations[cid].messages) == 2, what="answer sent", pilot=opl)
        await opl.press("f7")                                      # close with a summary
        await focus_on(opl, "close-summary")
        await opl.press(*"Quokka facts", "tab")
        await focus_on(opl, "close-tags")
        await opl.press(*"animals", "ctrl+s")
        await wait_for(lambda: cid not in op.desk.tab_order, what="closed", pilot=opl)

        await opl.press("ctrl+b")                                  # an operator: refused, with the reason
        await wait_for(lambda: any("The board is for supervisors" in m for m, _ in op.notes), what="why not", pilot=opl)
        assert op.screen is op.desk and "signed in as operator" in op.notes[-1][0]

        await on_board(tp, trainer)
        await tp.press("t")
        review = await wait_for(lambda: isinstance(trainer.screen, TranscriptReviewScreen) and trainer.screen,
                                what="review screen", pilot=tp)
        await tp.press(*"quokka", "enter")
        await wait_for(lambda: [t.conversation.id for t in review.results] == [cid], what=f"found by its words {cid}" + repr((review.results, trainer.notes, trainer.focused)), pilot=tp)
        await tp.press("ctrl+l", "enter")
        reader = await wait_for(lambda: isinstance(trainer.screen, TranscriptReadScreen) and trainer.screen.detail
                                and trainer.screen, what="the transcript", pilot=tp)
        assert "A quokka answer" in "\n".join(reader.query_one(Transcript).plain_lines())
        assert "Quinn Review" in screen_text(trainer)
        await tp.press("b", *"Great answer", "enter")
        await wait_for(lambda: reader.detail.reviews and reader.detail.reviews[-1].mark == "best",
                       what="marked best", pilot=tp)
        assert "★ best" in screen_text(trainer) and "Great answer" in screen_text(trainer)

        await tp.press("e", "enter")                               # Markdown to ./transcript-<id>.md
        await wait_for(lambda: reader.exported == tmp_path / f"transcript-{cid}.md", what="markdown export", pilot=tp)
        assert "A quokka answer" in reader.exported.read_text()
        await tp.press("e", "ctrl+j", "enter")                     # JSON
        await wait_for(lambda: reader.exported == tmp_path / f"transcript-{cid}.json", what="json export", pilot=tp)
        assert "A quokka answer" in json.dumps(json.loads(reader.exported.read_text()))
        assert list(elsewhere.iterdir()) == [] and any(f"Saved to {tmp_path}" in m for m, _ in trainer.notes)

        await tp.press("escape", "escape", "p")                    # back to the board, then the report
        report = await wait_for(lambda: isinstance(trainer.screen, ReportScreen) and trainer.screen.summary
                                and trainer.screen, what="report", pilot=tp)
        assert report.summary.totals.chats >= 1
        text = screen_text(trainer)
        assert "Ola Op" in text and "first response" in text and "chats" in text and "█" in text

        await opl.press("f11")                                     # the operator reads the coaching note
        mine = await wait_for(lambda: isinstance(op.screen, TranscriptReviewScreen) and op.screen, what="own", pilot=opl)
        await wait_for(lambda: cid in [t.conversation.id for t in mine.results], what="own transcripts", pilot=opl)
        await put_cursor(opl, mine.query_one(DataTable), [t.conversation.id for t in mine.results].index(cid))
        await opl.press("enter")
        await wait_for(lambda: isinstance(op.screen, TranscriptReadScreen) and op.screen.detail, what="read", pilot=opl)
        assert "Great answer" in screen_text(op)
        assert not trainer.errors() and not op.errors()
    await v.close()
