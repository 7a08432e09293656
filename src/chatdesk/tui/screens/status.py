"""Set my own status: online takes chats; away or on the phone stops routing new ones to me."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from chatdesk.tui.screens.dialog import Dialog

CHOICES = (("online", "Online — take new chats"),
           ("away", "Away — no new chats"),
           ("on_phone", "On the phone — no new chats"))


class StatusDialog(Dialog[str]):
    TITLE_TEXT = "My status"
    SUBMIT_LABEL = "Set"
    DEFAULT_CSS = "StatusDialog OptionList { height: auto; border: none; }"

    def __init__(self, current: str = "online") -> None:
        super().__init__()
        self.current = current

    def fields(self) -> ComposeResult:
        options = OptionList(*[Option(text, id=key) for key, text in CHOICES], id="status-list")
        yield options

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        keys = [k for k, _ in CHOICES]
        options.highlighted = keys.index(self.current) if self.current in keys else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _picked(self) -> None:
        self.action_submit()

    def result(self) -> str | None:
        options = self.query_one(OptionList)
        return CHOICES[options.highlighted or 0][0]
