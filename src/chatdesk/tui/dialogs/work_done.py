"""Mark a work item done (d in the work list), with a note of what was done."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label

from chatdesk.tui.dialogs.dialog import Dialog, value


class WorkDoneDialog(Dialog[str]):
    TITLE_TEXT = "Mark this request done"
    SUBMIT_LABEL = "Mark done"
    CANCEL_TEXT = "The request stays on the work list."

    def __init__(self, contact: str) -> None:
        super().__init__()
        self.contact = contact

    def fields(self) -> ComposeResult:
        yield Label(f"What was done for {self.contact}?", markup=False)
        yield Input(placeholder="e.g. called, the new parcel goes out today", id="work-done-note")

    def result(self) -> str | None:
        note = value(self, "#work-done-note")
        if not note:
            self.complain("Not done yet: write what was done, a colleague may read it later.")
            return None
        return note
