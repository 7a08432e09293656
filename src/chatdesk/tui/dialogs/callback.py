"""Offer a phone or e-mail callback; the number or address is recorded on the visitor."""
from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label, RadioButton, RadioSet

from chatdesk.tui.dialogs.dialog import Dialog, value


@dataclass(frozen=True)
class CallbackChoice:
    channel: str        # "phone" | "email"
    value: str
    note: str


class CallbackDialog(Dialog[CallbackChoice]):
    TITLE_TEXT = "Offer a callback"
    SUBMIT_LABEL = "Record callback"

    def __init__(self, phone: str = "", email: str = "") -> None:
        super().__init__()
        self.known = {"phone": phone, "email": email}

    def fields(self) -> ComposeResult:
        with RadioSet(id="callback-channel"):
            yield RadioButton("Phone", value=True, id="callback-phone")
            yield RadioButton("E-mail", id="callback-email")
        yield Label("Number or address")
        yield Input(self.known["phone"], placeholder="+44 20 7946 0000", id="callback-value")
        yield Label("Note (when, what about)")
        yield Input(placeholder="after 5 pm, about the invoice", id="callback-note")

    def on_mount(self) -> None:
        self.query_one("#callback-value", Input).focus()

    @property
    def channel(self) -> str:
        return "email" if self.query_one("#callback-email", RadioButton).value else "phone"

    @on(RadioSet.Changed)
    def _channel_changed(self) -> None:
        box = self.query_one("#callback-value", Input)
        if not box.value.strip() or box.value in self.known.values():
            box.value = self.known[self.channel]

    def result(self) -> CallbackChoice | None:
        target = value(self, "#callback-value")
        if not target:
            self.complain("Give the phone number or e-mail address to call back on.")
            return None
        if self.channel == "email" and "@" not in target:
            self.complain("That does not look like an e-mail address.")
            return None
        return CallbackChoice(self.channel, target, value(self, "#callback-note"))
