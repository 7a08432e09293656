"""Ask before a one-key action that a visitor would notice or that is hard to undo (quitting while
holding chats, taking a chat over, flipping an operator's novice or approval flag).

y (or the action's button) goes ahead; n, Esc or Enter on the focused "no" button do not, and
say so. The safe answer has the focus, so a stray Enter never confirms. Enter is also the
dialog's own key for "no": a focused button takes it first ("Quit anyway" focused by Tab goes
ahead), and an Enter read before the focus has landed on a button (keys typed right after the
dialog appeared) still answers instead of going nowhere."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label

from chatdesk.tui.dialogs.dialog import Dialog


class ConfirmDialog(Dialog[bool]):
    BINDINGS = [
        Binding("escape,n", "cancel", "No", id="confirm.no"),
        Binding("enter", "cancel", "No", id="confirm.enter_no", show=False),
        Binding("y", "submit", "Yes", id="confirm.yes"),
    ]

    def __init__(self, title: str, sentence: str, yes: str, no: str = "Cancel",
                 cancelled: str = "Nothing was changed.") -> None:
        """`title` and `sentence` may hold names: shown as plain text, never markup."""
        super().__init__()
        self.TITLE_TEXT = Content(title)
        self.sentence, self.yes, self.no = sentence, yes, no
        self.SUBMIT_LABEL, self.CANCEL_TEXT = yes, cancelled
        self.KEYS_TEXT = f"y {yes.lower()} · n, Esc or Enter: {no.lower()}"

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.TITLE_TEXT
            yield Label(Content(self.sentence), id="confirm-text")
            with Horizontal():
                yield Button(self.no, id="dialog-cancel")
                yield Button(self.yes, id="dialog-ok", variant="warning")
            yield Label(Content(self.keys_text()), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog-cancel", Button).focus()

    def result(self) -> bool:
        return True
