"""Shared shape of the desk's small dialogs: a centred box, Esc cancels, ctrl+s or Enter on the
last field submits, Enter on another field moves on. Subclasses build `fields()` and `result()`.

Every dialog says its keys on its last line, and never ends without a word: a cancel says that
nothing changed, a refused answer says why and stays open. Tab from the last field reaches the
submit button, never Cancel (Cancel is for the mouse and Esc), so Tab, type, Tab, Enter submits."""
from __future__ import annotations

from typing import Any, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

R = TypeVar("R")


class Dialog(ModalScreen[R], Generic[R]):
    TITLE_TEXT: str | Content = ""
    SUBMIT_LABEL = "OK"
    CANCEL_TEXT = "Cancelled: nothing was changed."
    KEYS_TEXT = ""    # the keys line; empty: Enter, ctrl+s and Esc with this dialog's submit label
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("ctrl+s", "submit", "Submit", id="dialog.submit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.TITLE_TEXT
            yield from self.fields()
            yield Label("", classes="error", id="dialog-error")
            with Horizontal():
                cancel = Button("Cancel", id="dialog-cancel")
                cancel.can_focus = False
                yield cancel
                yield Button(self.SUBMIT_LABEL, id="dialog-ok", variant="primary")
            yield Label(Content(self.keys_text()), classes="dialog-keys")

    def keys_text(self) -> str:
        return self.KEYS_TEXT or (f"Tab next field · Enter on the last field or ctrl+s: "
                                  f"{self.SUBMIT_LABEL.lower()} · Esc cancel")

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def result(self) -> R | None:
        """The answer, or None after calling `self.complain(...)` when something is missing."""
        raise NotImplementedError

    def complain(self, sentence: str) -> None:
        self.query_one("#dialog-error", Label).update(Content(sentence))

    def action_cancel(self) -> None:
        self.app.notify(self.CANCEL_TEXT, markup=False, timeout=3)
        self.dismiss(None)

    def action_submit(self) -> None:
        answer = self.result()
        if answer is not None:
            self.dismiss(answer)

    @on(Button.Pressed, "#dialog-ok")
    def _ok(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#dialog-cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _next_or_submit(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = [w for w in self.query(Input) if w.display]
        if event.input is inputs[-1]:
            self.action_submit()
        else:
            inputs[inputs.index(event.input) + 1].focus()


def value(screen: Any, selector: str) -> str:
    return screen.query_one(selector, Input).value.strip()
