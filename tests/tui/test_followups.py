"""Hand-offs, missed chats, approvals and the report on the real desk against the real server:
a department transfer's note in the transcript of whoever accepts it next, a reassign named after
the supervisor, a missed chat followed up with a callback, the trainer's context pane and the
novice's order after an approval, and report columns that fit at 120x34 and 80x24."""
from __future__ import annotations

import pytest
from textual.widgets import DataTable

from chatdesk.tui.screens.approvals import ApprovalQueueScreen
from chatdesk.tui.screens.missed import MissedChatScreen
from chatdesk.tui.widgets.transcript import Transcript
from tests.support.accounts import make_accounts
from tests.support.api import Api, new_id
from tests.support.desk import (
    accept_by_keys,
    make_desk,
    on_board,
    put_cursor,
    transcript_text,
    until_live,
)
from tests.support.harness import screen_text
from tests.support.live_server import serving
from tests.support.visitor import Visitor
from tests.support.waiting import focus_on, wait_for

SIZE = (120, 34)
PEOPLE = {"sam": ("Sam Super", "supervisor"), "tina": ("Tina Trainer", "trainer"), "dana": ("Dana Park",),
          "alex": ("Alex Kim",), "nova": ("Nova Novice",), "rhonda": ("Rhonda Reportingham-Smythe",)}


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    """This module reads the whole board, the approval queue and the report: what other desk tests leave on the package's server would crowd them,
    so its tests share a server of their own."""
    yield from serving(tmp_path_factory.mktemp("test_followups"))


@pytest.fixture(scope="module")
def staff(shared_server):
    return make_accounts(shared_server, "followups.test", PEOPLE)


async def test_hand_off_notes_reach_the_next_holder_with_the_right_names(shared_server, staff, tmp_path):
    dana, sam = Api(shared_server, staff["dana"]), Api(shared_server, staff["sam"])
    v1, v2 = await Visitor(shared_server.url).arrive(), await Visitor(shared_server.url).arrive()
    c1 = await v1.start_chat("A quote for 40 tents, please", name="Quinn Quote")
    c2 = await v2.start_chat("Where is my parcel?", name="Pia Parcel")
    for cid in (c1, c2):
        await dana.ok("POST", f"/conversations/{cid}/accept")
    await dana.ok("POST", f"/conversations/{c1}/transfer", {"department": "sales", "note": "wants a quote"})
    alex = make_desk(shared_server, staff["alex"], tmp_path / "alex")
    async with alex.run_test(size=SIZE) as pilot:
        await until_live(pilot, alex)
        await accept_by_keys(pilot, alex, c1)                      # Alex takes it from the queue
        line = "Dana Park transferred this chat to the sales queue. Note: wants a quote"
        await wait_for(lambda: line in " ".join(transcript_text(alex, c1).split()), what="the note in the chat",
                       pilot=pilot)
        assert "⇄ hand-off" in transcript_text(alex, c1) and "the visitor never sees it" in transcript_text(alex, c1)

        alex_id = alex.desk.store.me.id
        await sam.ok("POST", f"/conversations/{c2}/reassign", {"operator_id": alex_id, "note": "Alex knows parcels"})
        await wait_for(lambda: c2 in alex.desk.tab_order, what="the reassigned chat on Alex's desk", pilot=pilot)
        await wait_for(lambda: any(m == "Reassigned to you by Sam Super: Alex knows parcels" for m, _ in alex.notes),
                       what="the notice names the supervisor", pilot=pilot)
        assert not any("by Dana Park" in m for m, _ in alex.notes)
        reassigned = "Sam Super (supervisor) reassigned this chat from Dana Park to Alex Kim. Note: Alex knows parcels"
        await wait_for(lambda: any(m.body == reassigned and m.kind == "handoff"
                                   for m in alex.desk.store.conversations[c2].messages),
                       what="the reassign in the chat", pilot=pilot)
        assert not alex.errors()
    for v, cid in ((v1, c1), (v2, c2)):
        assert all(m["kind"] in ("text", "system") for m in await v.transcript())
        await sam.ok("POST", f"/conversations/{cid}/close", {"summary": "done"})
        await v.close()


@pytest.mark.parametrize("size", [(120, 34), (80, 24)])
async def test_a_missed_chat_is_followed_up_with_a_callback(shared_server, staff, tmp_path, size):
    sam = make_desk(shared_server, staff["sam"], tmp_path / "sam")
    v = await Visitor(shared_server.url).arrive("https://shop.test/sizes", "Size guide")
    cid = await v.start_chat("Do the trail shoes run small?", name="Mia Missed")
    await v.call("POST", f"/visitor/conversations/{cid}/close")   # gone from the queue before anyone came
    async with sam.run_test(size=size) as sp:
        board = await on_board(sp, sam)
        missed = await wait_for(lambda: next((m for m in sam.desk.store.oversight.board.missed if m.id == cid), None),
                                what="the missed chat on the board", pilot=sp)
        assert missed.visitor_name == "Mia Missed" and missed.first_message == "Do the trail shoes run small?"
        assert missed.page_title == "Size guide" and missed.visitor_online
        await wait_for(lambda: "Mia Missed" in screen_text(sam), what="the row drawn", pilot=sp)
        row = next(line for line in screen_text(sam).splitlines() if "Mia Missed" in line)
        assert "● on site" in row and "Do the trail shoes" in row and "Size guide" in row
        table = board.query_one("#board-missed", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width    # the page column too
        await put_cursor(sp, table,
                         [m.id for m in sam.desk.store.oversight.board.missed].index(cid))
        await sp.press("enter")
        screen = await wait_for(lambda: isinstance(sam.screen, MissedChatScreen) and sam.screen.detail
                                and sam.screen, what="the missed chat opened", pilot=sp)
        text = screen_text(sam)
        assert "Missed chat Mia Missed" in text and "● on the site now" in text and "Size guide" in text
        assert any("Do the trail shoes run small?" in line for line in screen.query_one(Transcript).plain_lines())
        await sp.press("i")                                        # on the site: an opener can go
        await wait_for(lambda: "Invite Mia Missed" in screen_text(sam), what="the invite dialog", pilot=sp)
        await sp.press("escape")
        await wait_for(lambda: any(m == "No invitation was sent." for m, _ in sam.notes), what="cancelled",
                       pilot=sp)
        await sp.press("c")
        await focus_on(sp, "callback-value")
        await sp.press(*"+44 20 7946 0000", "enter")
        await focus_on(sp, "callback-note")
        await sp.press(*"about shoe sizes", "enter")
        await wait_for(lambda: screen.callbacks == 1, what="callback recorded", pilot=sp)
        await wait_for(lambda: any("Callback requested by phone: +44 20 7946 0000 (about shoe sizes)" in line
                                   for line in screen.query_one(Transcript).plain_lines()),
                       what="the callback in the chat", pilot=sp)
        assert "+44 20 7946 0000" in screen_text(sam)               # the contact in the header
        assert not sam.errors()
    detail = await Api(shared_server, staff["sam"]).ok("GET", f"/conversations/{cid}")
    assert detail["visitor"]["phone"] == "+44 20 7946 0000"
    await v.close()


async def test_approvals_keep_order_the_context_pane_and_select_all(shared_server, staff, tmp_path):
    tina_api = Api(shared_server, staff["tina"])
    nova_api = Api(shared_server, staff["nova"])
    nova_id = (await nova_api.ok("GET", "/me"))["id"]
    await tina_api.ok("PATCH", f"/operators/{nova_id}", {"approval_required": True})
    v = await Visitor(shared_server.url).arrive()
    cid = await v.start_chat("Do you ship to Iceland?", name="Ivy Order")
    await nova_api.ok("POST", f"/conversations/{cid}/accept")
    novice = make_desk(shared_server, staff["nova"], tmp_path / "nova")
    trainer = make_desk(shared_server, staff["tina"], tmp_path / "tina")
    async with novice.run_test(size=SIZE) as npl, trainer.run_test(size=SIZE) as tp:
        await until_live(npl, novice)
        await wait_for(lambda: novice.desk.active_id == cid, what="the chat open", pilot=npl)
        for words in ("ya", "also to the faroes"):
            await npl.press(*words, "enter")
            await wait_for(lambda w=words: f"{w}" in transcript_text(novice, cid), what=f"held: {words}", pilot=npl)
        await v.say("And how long does it take?")                  # the visitor writes after both
        await wait_for(lambda: "how long does it take" in transcript_text(novice, cid), what="visitor line", pilot=npl)

        await on_board(tp, trainer)
        await tp.press("a")
        queue = await wait_for(lambda: isinstance(trainer.screen, ApprovalQueueScreen) and trainer.screen,
                               what="approval screen", pilot=tp)
        await wait_for(lambda: [a.body for a in queue.items if a.conversation_id == cid] == ["ya", "also to the faroes"],
                       what="both held", pilot=tp)
        while queue.selected.body != "ya":
            await tp.press("down")
        pane = queue.query_one(Transcript)
        await wait_for(lambda: "\n".join(pane.plain_lines()).count("awaiting approval") == 2, what="two awaiting",
                       pilot=tp)
        await tp.press("e", "ctrl+a", *"Yes, we ship to Iceland.")   # select all, then replace
        await tp.press("ctrl+s")
        await wait_for(lambda: "\n".join(pane.plain_lines()).count("awaiting approval") == 1
                       and "approved by Tina Trainer" in "\n".join(pane.plain_lines()),
                       what="the context pane shows it approved", pilot=tp)
        assert [m["body"] for m in await v.transcript() if m["author_type"] == "operator"] == ["Yes, we ship to Iceland."]

        def order() -> list[str]:
            text = " ".join(transcript_text(novice, cid).split())
            return sorted(("Yes, we ship to Iceland.", "also to the faroes", "how long does it take"),
                          key=lambda s: text.find(s) if s in text else 10 ** 6)
        await wait_for(lambda: "approved by Tina Trainer" in transcript_text(novice, cid), what="approved", pilot=npl)
        assert order() == ["Yes, we ship to Iceland.", "also to the faroes", "how long does it take"]
        assert not trainer.errors() and not novice.errors()
    await tina_api.ok("POST", f"/conversations/{cid}/close", {"summary": "done"})
    await v.close()


@pytest.mark.parametrize("size", [(120, 34), (80, 24)])
async def test_report_columns_fit_without_wrapping_or_cutting(shared_server, staff, tmp_path, size):
    from chatdesk.tui.screens.report import ReportScreen, secs
    rhonda = Api(shared_server, staff["rhonda"])
    v = await Visitor(shared_server.url).arrive()
    cid = await v.start_chat("A report question")
    await rhonda.ok("POST", f"/conversations/{cid}/accept")
    await rhonda.ok("POST", f"/conversations/{cid}/messages", {"client_msg_id": new_id(), "body": "An answer"})
    await rhonda.ok("POST", f"/conversations/{cid}/close", {"summary": "done"})
    trainer = make_desk(shared_server, staff["tina"], tmp_path / "tina")
    async with trainer.run_test(size=size) as tp:
        await on_board(tp, trainer)
        await tp.press("p")
        report = await wait_for(lambda: isinstance(trainer.screen, ReportScreen) and trainer.screen.summary
                                and trainer.screen, what="report", pilot=tp)
        table = report.query_one("#report-operators", DataTable)
        await wait_for(lambda: table.row_count > 0, what="rows", pilot=tp)
        assert table.virtual_size.width <= table.scrollable_content_region.width   # no column off screen
        mine = next(o for o in report.summary.by_operator if o.name.startswith("Rhonda"))
        ordered = sorted(report.summary.by_operator, key=lambda o: -o.chats)
        await put_cursor(tp, table, ordered.index(mine))
        await tp.pause()
        text = screen_text(trainer)
        header = next(line for line in text.splitlines() if "Operator" in line and "Chats" in line)
        for word in ("Ans", "Miss", "1st med", "1st p90", "Hdl med", "Hdl p90", "★"):
            assert word in header
        row = next(line for line in text.splitlines() if "Rhonda Report…" in line)
        assert secs(mine.handle_median) in row and secs(mine.first_response_p90) in row
        assert "first response" in text and "handle" in text
        assert not trainer.errors()
    await v.close()
