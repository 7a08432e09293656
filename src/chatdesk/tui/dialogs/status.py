"""Set my own status: online takes chats; away or on the phone stops routing new ones to me.
On chat or on the phone, never both: while I hold chats, "on the phone" is greyed out and says why
(the server refuses it too, 409 holding_chats)."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from chatdesk.tui.dialogs.dialog import Dialog

CHOICES = (("online", "Online — take new chats"),
           ("away", "Away — no new chats"),
           ("on_phone", "On the phone — no new chats"))


class StatusDialog(Dialog[str]):
    TITLE_TEXT = "My status"
    SUBMIT_LABEL = "Set"
    CANCEL_TEXT = "Status unchanged."
    KEYS_TEXT = "↑/↓ choose · Enter set · Esc cancel"

    def __init__(self, current: str = "online", holding: int = 0) -> None:
        """`holding`: how many chats I hold now."""
        super().__init__()
        self.current = current
        self.holding = holding

    def fields(self) -> ComposeResult:
        yield OptionList(*[self._option(key, text) for key, text in CHOICES], id="status-list")

    def _option(self, key: str, text: str) -> Option:
        if key == "on_phone" and self.holding:
            chats = "your chat" if self.holding == 1 else f"your {self.holding} chats"
            return Option(f"On the phone — transfer or close {chats} first", id=key, disabled=True)
        return Option(text, id=key)

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
