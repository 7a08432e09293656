"""The work list's and the board's pieces that need no server: a row says kind, channel, contact,
preferred time, the visitor, the age and who holds it, marks an overdue one and fits 80 columns;
the board's requests line counts open and overdue ones and names the most overdue; the close
dialog opens with its draft and the done dialog wants a note."""
from __future__ import annotations

from rich.cells import cell_len
from textual.app import App
from textual.widgets import Input, Label

from chatdesk.protocol.staff import Board
from chatdesk.protocol.work_items import WorkItem
from chatdesk.tui.app import DeskApp
from chatdesk.tui.dialogs.close import CloseChoice, CloseDialog
from chatdesk.tui.dialogs.work_done import WorkDoneDialog
from chatdesk.tui.screens.board import requests_line
from chatdesk.tui.screens.work_list import work_row
from tests.support.waiting import wait_for

NOW = 1_770_000_000.0


def item(**kw) -> WorkItem:
    base = dict(id=1, kind="callback", channel="phone", phone="+47 912 34 567", name="Kari",
                preferred_time="after 5 pm", created_at=NOW - 125, due_at=NOW + 600)
    return WorkItem(**{**base, **kw})


def test_a_row_names_the_request_and_marks_it_overdue_only_when_late():
    row = [cell.plain for cell in work_row(item(), NOW, me=3, width=120)]
    assert row == [" ", "Callback", "phone", "+47 912 34 567", "after 5 pm", "Kari", "2:05", "open"]
    late = work_row(item(due_at=NOW - 1, state="claimed", claimed_by=3, calling_since=NOW - 5), NOW, me=3, width=120)
    assert late[0].plain == "!" and late[-1].plain == "☎ you"
    other = work_row(item(kind="offline", channel="email", email="k@x.no", state="claimed", claimed_by=9,
                          claimed_by_name="Omar"), NOW, me=3, width=120)
    assert [other[i].plain for i in (1, 2, 3, 7)] == ["Message", "e-mail", "k@x.no", "Omar"]


def test_a_row_with_long_visitor_text_fits_80_columns():
    row = work_row(item(phone="9" * 40, preferred_time="weekday evenings " * 5, name="N" * 60), NOW, me=None, width=80)
    # the table adds two cells of padding per column and a scrollbar
    assert sum(cell_len(cell.plain) + 2 for cell in row) <= 80 - 2


def test_the_boards_requests_line_counts_and_names_the_overdue_ones():
    board = Board(generated_at=NOW, since=NOW - 3600, requests_open=3, requests_overdue=1,
                  overdue_requests=[item(due_at=NOW - 60, name="Kari")])
    text = requests_line(board, 120).plain
    assert text.startswith("Requests open 3 · overdue 1: +47 912 34 567 (Kari, due ")
    assert text.endswith("ctrl+l: the work list")


class DialogHost(App[None]):
    CSS_PATH = DeskApp.CSS_PATH

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[object] = []

    def ask(self, dialog) -> None:
        self.push_screen(dialog, self.answers.append)


async def test_the_close_dialog_opens_with_the_draft_selected_and_keeps_it_on_submit():
    app = DialogHost()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask(CloseDialog("My parcel hasn't arrived yet. I booked a new delivery.", ("shipping", "parcel")))
        await wait_for(lambda: isinstance(app.screen, CloseDialog) and app.screen.query("#close-tags"),
                       what="dialog", pilot=pilot)
        assert app.screen.query_one("#close-tags", Input).value == "shipping, parcel"
        await pilot.press("ctrl+s")
        await wait_for(lambda: app.answers, what="answer", pilot=pilot)
        assert app.answers[-1] == CloseChoice("My parcel hasn't arrived yet. I booked a new delivery.",
                                              ["shipping", "parcel"], None)
        app.ask(CloseDialog("Drafted.", ("a",)))
        await wait_for(lambda: isinstance(app.screen, CloseDialog) and app.screen.query("#close-tags"),
                       what="dialog again", pilot=pilot)
        await pilot.press(*"Mine", "enter", *"b, c", "enter", "enter")   # typing replaces each draft
        await wait_for(lambda: len(app.answers) == 2, what="second answer", pilot=pilot)
        assert app.answers[-1] == CloseChoice("Mine", ["b", "c"], None)


async def test_done_needs_a_note():
    app = DialogHost()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask(WorkDoneDialog("+47 912 34 567"))
        await wait_for(lambda: isinstance(app.screen, WorkDoneDialog) and app.screen.query("#work-done-note"),
                       what="dialog", pilot=pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, WorkDoneDialog)
        assert "write what was done" in str(app.screen.query_one("#dialog-error", Label).render())
        await pilot.press(*"Called", "enter")
        await wait_for(lambda: app.answers == ["Called"], what="the note", pilot=pilot)
