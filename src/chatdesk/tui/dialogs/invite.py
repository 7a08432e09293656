"""Invite a browsing visitor: a typed opener, or `/shortcut` for a canned reply (the server fills
in its variables)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Label

from chatdesk.tui.dialogs.dialog import Dialog, value

DEFAULT_OPENER = "Hi! Can I help you find anything?"


@dataclass(frozen=True)
class InviteText:
    body: str | None = None
    canned_id: int | None = None


class InviteDialog(Dialog[InviteText]):
    SUBMIT_LABEL = "Invite"
    CANCEL_TEXT = "No invitation was sent."

    def __init__(self, who: str, canned: list[Any]) -> None:
        super().__init__()
        self.TITLE_TEXT = Content(f"Invite {who}")           # a visitor's name: never markup
        self.canned = {c.shortcut: c for c in canned}

    def fields(self) -> ComposeResult:
        yield Label(Content("Their reply starts a chat that is yours. /shortcut sends a canned reply."))
        yield Input(DEFAULT_OPENER, placeholder="the opener", id="invite-text", max_length=8000)

    def result(self) -> InviteText | None:
        text = value(self, "#invite-text")
        if not text:
            self.complain("Write the opener, or /shortcut for a canned reply.")
            return None
        if text.startswith("/") and " " not in text:
            found = self.canned.get(text[1:])
            if found is None:
                self.complain(f"There is no canned reply called {text}.")
                return None
            return InviteText(canned_id=found.id)
        return InviteText(body=text)
