"""Internal note (ctrl+n): seen by operators only, never by the visitor."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label

from chatdesk.tui.dialogs.dialog import Dialog, value


class NoteDialog(Dialog[str]):
    TITLE_TEXT = "Internal note — operators only, the visitor never sees it"
    SUBMIT_LABEL = "Add note"
    CANCEL_TEXT = "No note added."
    KEYS_TEXT = "Enter add note · Esc cancel"

    def fields(self) -> ComposeResult:
        yield Label("Note")
        yield Input(placeholder="e.g. asked for a refund, order 1234", id="note-body")

    def result(self) -> str | None:
        body = value(self, "#note-body")
        if not body:
            self.complain("Write the note first.")
            return None
        return body
