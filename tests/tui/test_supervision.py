"""Supervisor and trainer screens on the real desk against the real server: the live board, monitor
with the operator seeing the watcher, whispers that never reach the visitor, take over, a lowered
cap on a novice's desk, approval end to end through both desks. Two desks run side by side, each
driven only by keys."""
from __future__ import annotations

import pytest
from textual.widgets import DataTable

from chatdesk.tui.screens.approvals import ApprovalQueueScreen
from chatdesk.tui.screens.board import BoardScreen
from chatdesk.tui.screens.monitor import MonitorScreen
from chatdesk.tui.widgets.transcript import Transcript
from tui.harness import screen_text, wait_for
from tui.live import make_accounts, make_desk, transcript_text, until_live
from tui.visitor import WebVisitor

SIZE = (120, 34)
PEOPLE = {"sam": ("Sam Super", "supervisor"), "tina": ("Tina Trainer", "trainer"),
          "ola": ("Ola Op", "operator"), "nia": ("Nia Novice", "operator"), "pat": ("Pat Novice", "operator")}


@pytest.fixture(scope="module")
def staff(shared_server):
    """Fresh accounts on the shared server, by key."""
    return make_accounts(shared_server, "supervision.test", PEOPLE)



async def on_board(pilot, app) -> BoardScreen:
    await until_live(pilot, app)
    return await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen) and app.desk.store.oversight.board is not None
                          and app.screen, what="the board (opened at start for staff)")


async def put_cursor(pilot, table: DataTable, row: int) -> None:
    table.focus()
    await pilot.pause()
    while table.cursor_row < row:
        await pilot.press("down")
    while table.cursor_row > row:
        await pilot.press("up")


def operator_row(board: BoardScreen, name: str):
    return next((o for o in board.operator_rows if o.name == name), None)


async def test_board_live_monitor_watcher_whisper_and_take_over(shared_server, staff, tmp_path):
    v = await WebVisitor(shared_server.url).arrive("https://shop.test/cart", "Cart")
    cid = await v.start_chat("Where is my parcel [b]now[/b]?", name="Vera [i]Board[/i]")
    sup = make_desk(shared_server, staff["sam"], tmp_path / "sam")
    op = make_desk(shared_server, staff["ola"], tmp_path / "ola")
    async with sup.run_test(size=SIZE) as sp, op.run_test(size=SIZE) as opl:
        board = await on_board(sp, sup)
        await wait_for(sp, lambda: any(e.conversation.id == cid for e in sup.desk.store.oversight.board.queue),
                       what="the chat in the board's queue")
        await wait_for(sp, lambda: "Vera [i]Board[/i]" in screen_text(sup), what="the queue row, markup inert")

        await until_live(opl, op)
        await wait_for(opl, lambda: cid in op.desk.store.queue, what="queued on the operator desk")
        await opl.press("ctrl+o")                                  # the operator accepts
        await wait_for(opl, lambda: op.desk.active_id == cid, what="accepted")
        row = await wait_for(sp, lambda: (o := operator_row(board, "Ola Op")) and o.active_chats == 1 and o,
                             what="the board shows the chat held")
        assert row.longest_wait is not None and row.longest_wait.conversation_id == cid
        await wait_for(sp, lambda: any(c.id == cid for c in board.live), what="in the live chats")
        await wait_for(sp, lambda: "1/4" in screen_text(sup), what="1/4 on screen " + screen_text(sup))

        # monitor it from the live chats table
        await put_cursor(sp, board.query_one("#board-live", DataTable), [c.id for c in board.live].index(cid))
        await sp.press("m")
        monitor = await wait_for(sp, lambda: isinstance(sup.screen, MonitorScreen) and sup.screen, what="monitor")
        mt = monitor.query_one(Transcript)
        await wait_for(sp, lambda: any("my parcel [b]now[/b]?" in line for line in mt.plain_lines()),
                       what="the transcript in the monitor")
        assert "Monitoring Vera [i]Board[/i] with Ola Op" in screen_text(sup)
        await wait_for(opl, lambda: "◉ Sam Super watching" in screen_text(op), what="the operator sees the watcher")
        await v.say("It was due on Monday")
        await wait_for(sp, lambda: any("due on Monday" in line for line in mt.plain_lines()), what="monitor follows live")

        await sp.press("w")
        await sp.press(*"Ask for the tracking number")
        await sp.press("enter")
        await wait_for(opl, lambda: "Ask for the tracking number" in transcript_text(op, cid), what="whisper on the desk")
        text = transcript_text(op, cid)
        assert "✉ whisper from Sam Super" in text and "the visitor never sees it" in text
        await opl.press(*"Could you send the tracking number?")
        await opl.press("enter")
        await wait_for(sp, lambda: any("send the tracking number?" in line for line in mt.plain_lines()),
                       what="the operator's reply in the monitor")
        assert all("Ask for the tracking" not in m["body"] for m in await v.transcript())

        await sp.press("j")                                        # join: the visitor sees Sam joined
        await wait_for(opl, lambda: "◉ Sam Super joined" in screen_text(op), what="the operator sees the join")
        assert any("Sam Super joined the chat." in m["body"] for m in await v.transcript())

        await sp.press("r")                                        # reassign to Tina
        dialog = sup.screen
        await wait_for(sp, lambda: getattr(dialog, "targets", None), what="reassign dialog")
        while dialog.targets[dialog.query_one("#reassign-target").highlighted].name != "Tina Trainer":
            await sp.press("down")
        await sp.press("enter", *"Tina knows parcels", "enter")
        await wait_for(opl, lambda: cid not in op.desk.tab_order, what="the operator's tab is gone")
        await wait_for(opl, lambda: any("Tina Trainer" in m and "moved" in m for m, _ in op.notes), what="told")
        await wait_for(sp, lambda: "with Tina Trainer" in screen_text(sup), what="the monitor follows the move")

        await sp.press("o")                                        # take over from Tina
        await wait_for(sp, lambda: sup.desk.active_id == cid and sup.screen is sup.desk, what="the chat is Sam's")
        await sp.press(*"Sam here, I will sort it out.")
        await sp.press("enter")
        await wait_for(sp, lambda: any(m.body == "Sam here, I will sort it out." for m in
                                       sup.desk.store.conversations[cid].messages), what="Sam's reply sent")
        bodies = [m["body"] for m in await v.transcript()]
        assert "Sam here, I will sort it out." in bodies and not any("tracking number" in b and "Ask" in b for b in bodies)
        assert not sup.errors() and not op.errors()
    await v.close()


async def test_a_lower_cap_shows_on_the_novice_desk_and_refuses_an_accept(shared_server, staff, tmp_path):
    visitors = [await WebVisitor(shared_server.url).arrive() for _ in range(4)]
    cids = [await v.start_chat(f"capped chat {n}", name=f"Cap {n}") for n, v in enumerate(visitors)]
    trainer = make_desk(shared_server, staff["tina"], tmp_path / "tina")
    novice = make_desk(shared_server, staff["nia"], tmp_path / "nia")
    async with trainer.run_test(size=SIZE) as tp, novice.run_test(size=SIZE) as npl:
        board = await on_board(tp, trainer)
        await until_live(npl, novice)
        await wait_for(npl, lambda: all(c in novice.desk.store.queue for c in cids), what="four queued")
        for n in range(3):
            await npl.press("ctrl+o")
            await wait_for(npl, lambda: len(novice.desk.tab_order) == n + 1, what=f"chat {n + 1} accepted")
        await wait_for(tp, lambda: (o := operator_row(board, "Nia Novice")) and o.active_chats == 3, what="3 on board")

        await put_cursor(tp, board.query_one("#board-operators", DataTable),
                         board.operator_rows.index(operator_row(board, "Nia Novice")))
        from chatdesk.tui.commands import DeskCommands
        from chatdesk.tui.screens.help import HelpScreen, key_rows
        titles = [title for title, _, _ in DeskCommands(board)._commands()]
        assert "Board: set the selected operator's chat limit" in titles   # the board's keys by name
        await tp.press("f1")
        await wait_for(tp, lambda: isinstance(trainer.screen, HelpScreen), what="F1 on the board")
        await wait_for(tp, lambda: "List every key" in screen_text(trainer), what="the key list drawn")
        assert {"staff.board", "board.cap", "approvals.edit", "monitor.whisper"} <= {r[2] for r in key_rows({})}
        await tp.press("escape")
        await wait_for(tp, lambda: trainer.screen is board, what="back on the board")
        await tp.press("n")                                        # mark as novice
        await wait_for(tp, lambda: operator_row(board, "Nia Novice").novice, what="novice flag on the board")
        await tp.press("c")
        await tp.press("backspace", "2", "enter")                  # the dialog starts with the cap (4)
        await wait_for(npl, lambda: novice.desk.store.me.max_chats == 2, what="the new cap on the novice desk")
        await wait_for(npl, lambda: "chats 3/2" in screen_text(novice), what="3/2 in the status bar")
        await wait_for(tp, lambda: "3/2" in screen_text(trainer), what="3/2 on the board")
        assert any("Your chat limit is now 2." in m for m, _ in novice.notes)

        await npl.press("ctrl+o")                                  # the fourth: refused by the server
        await wait_for(npl, lambda: novice.errors(), what="the refusal")
        assert novice.errors()[-1] == "You already hold 3 chats, your limit is 2."
        assert len(novice.desk.tab_order) == 3
    for v in visitors:
        await v._ok("POST", f"/visitor/conversations/{v.cid}/close")   # leave nothing in the queue
        await v.close()


async def test_approval_through_both_desks(shared_server, staff, tmp_path):
    v = await WebVisitor(shared_server.url).arrive()
    cid = await v.start_chat("Do you ship to Iceland?", name="Ivy Approve")
    trainer = make_desk(shared_server, staff["tina"], tmp_path / "tina")
    novice = make_desk(shared_server, staff["pat"], tmp_path / "pat")
    async with trainer.run_test(size=SIZE) as tp, novice.run_test(size=SIZE) as npl:
        board = await on_board(tp, trainer)
        await wait_for(tp, lambda: operator_row(board, "Pat Novice"), what="Pat on the board")
        await put_cursor(tp, board.query_one("#board-operators", DataTable),
                         board.operator_rows.index(operator_row(board, "Pat Novice")))
        await tp.press("v")                                        # approval mode on
        await until_live(npl, novice)
        await wait_for(npl, lambda: "approval mode: replies wait for a trainer" in screen_text(novice), what="approval mode shown")
        await wait_for(npl, lambda: cid in novice.desk.store.queue, what="queued")
        await npl.press("ctrl+o")
        await wait_for(npl, lambda: novice.desk.active_id == cid, what="accepted")
        await npl.press(*"ya")
        await npl.press("enter")
        await wait_for(npl, lambda: "◔ awaiting approval" in transcript_text(novice, cid), what="held on the desk")

        await tp.press("a")                                        # the approval queue
        queue = await wait_for(tp, lambda: isinstance(trainer.screen, ApprovalQueueScreen) and trainer.screen,
                               what="approval screen")
        await wait_for(tp, lambda: any(a.conversation_id == cid for a in queue.items), what="held message listed")
        assert queue.selected.body == "ya"
        await wait_for(tp, lambda: any("ya" == line.strip() for line in queue.query_one(Transcript).plain_lines())
                       and "Do you ship to Iceland?" in "\n".join(queue.query_one(Transcript).plain_lines()),
                       what="the conversation around it")
        await tp.press("e")
        await tp.press("backspace", "backspace", *"Yes, we ship to Iceland in 3-5 days.")
        await tp.press("ctrl+s")
        edit = "Yes, we ship to Iceland in 3-5 days."
        await wait_for(npl, lambda: "approved by Tina Trainer (edited)" in transcript_text(novice, cid),
                       what="approved on the novice desk")
        assert edit in transcript_text(novice, cid) and "awaiting approval" not in transcript_text(novice, cid)

        await npl.press(*"whatever, bye")
        await npl.press("enter")
        await wait_for(tp, lambda: any(a.body == "whatever, bye" for a in queue.items), what="second held")
        await tp.press("x")
        await tp.press(*"Never say that.")
        await tp.press("enter")
        await wait_for(npl, lambda: "✗ rejected" in transcript_text(novice, cid), what="rejected on the desk")
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
    monkeypatch.chdir(tmp_path)                                    # exports go to the current folder
    v = await WebVisitor(shared_server.url).arrive()
    cid = await v.start_chat("A quokka question", name="Quinn Review")
    op = make_desk(shared_server, staff["ola"], tmp_path / "ola")
    trainer = make_desk(shared_server, staff["tina"], tmp_path / "tina")
    async with op.run_test(size=SIZE) as opl, trainer.run_test(size=SIZE) as tp:
        await until_live(opl, op)
        await wait_for(opl, lambda: cid in op.desk.store.queue, what="queued")
        await opl.press("ctrl+o")
        await wait_for(opl, lambda: op.desk.active_id == cid, what="accepted")
        await opl.press(*"A quokka answer")
        await opl.press("enter")
        await wait_for(opl, lambda: len(op.desk.store.conversations[cid].messages) == 2, what="answer sent")
        await opl.press("f7", *"Quokka facts", "tab", *"animals", "ctrl+s")   # close with a summary
        await wait_for(opl, lambda: cid not in op.desk.tab_order, what="closed")

        await opl.press("ctrl+b")                                  # an operator: refused, with the reason
        await wait_for(opl, lambda: any("The board is for supervisors" in m for m, _ in op.notes), what="why not")
        assert op.screen is op.desk and "signed in as operator" in op.notes[-1][0]

        await on_board(tp, trainer)
        await tp.press("t")
        review = await wait_for(tp, lambda: isinstance(trainer.screen, TranscriptReviewScreen) and trainer.screen,
                                what="review screen")
        await tp.press(*"quokka", "enter")
        await wait_for(tp, lambda: [t.conversation.id for t in review.results] == [cid], what=f"found by its words {cid}" + repr((review.results, trainer.notes, trainer.focused)))
        await tp.press("ctrl+l", "enter")
        reader = await wait_for(tp, lambda: isinstance(trainer.screen, TranscriptReadScreen) and trainer.screen.detail
                                and trainer.screen, what="the transcript")
        assert "A quokka answer" in "\n".join(reader.query_one(Transcript).plain_lines())
        assert "Quinn Review" in screen_text(trainer)
        await tp.press("b", *"Great answer", "enter")
        await wait_for(tp, lambda: reader.detail.reviews and reader.detail.reviews[-1].mark == "best",
                       what="marked best")
        assert "★ best" in screen_text(trainer) and "Great answer" in screen_text(trainer)

        await tp.press("e", "enter")                               # Markdown to ./transcript-<id>.md
        await wait_for(tp, lambda: reader.exported == tmp_path / f"transcript-{cid}.md", what="markdown export")
        assert "A quokka answer" in reader.exported.read_text()
        await tp.press("e", "ctrl+j", "enter")                     # JSON
        await wait_for(tp, lambda: reader.exported == tmp_path / f"transcript-{cid}.json", what="json export")
        assert "A quokka answer" in json.dumps(json.loads(reader.exported.read_text()))

        await tp.press("escape", "escape", "p")                    # back to the board, then the report
        report = await wait_for(tp, lambda: isinstance(trainer.screen, ReportScreen) and trainer.screen.summary
                                and trainer.screen, what="report")
        assert report.summary.totals.chats >= 1
        text = screen_text(trainer)
        assert "Ola Op" in text and "first response" in text and "chats" in text and "█" in text

        await opl.press("f11")                                     # the operator reads the coaching note
        mine = await wait_for(opl, lambda: isinstance(op.screen, TranscriptReviewScreen) and op.screen, what="own")
        await wait_for(opl, lambda: cid in [t.conversation.id for t in mine.results], what="own transcripts")
        await put_cursor(opl, mine.query_one(DataTable), [t.conversation.id for t in mine.results].index(cid))
        await opl.press("enter")
        await wait_for(opl, lambda: isinstance(op.screen, TranscriptReadScreen) and op.screen.detail, what="read")
        assert "Great answer" in screen_text(op)
        assert not trainer.errors() and not op.errors()
    await v.close()
