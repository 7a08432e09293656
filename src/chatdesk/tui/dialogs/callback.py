"""Offer a phone or e-mail callback; the number or address is recorded on the visitor."""
from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label, RadioButton, RadioSet

from chatdesk.tui.dialogs.dialog import Dialog, value


def looks_like_phone(text: str) -> bool:
    return sum(c.isdigit() for c in text) >= 3 and all(c.isdigit() or c in " +()-./" for c in text)


@dataclass(frozen=True)
class CallbackChoice:
    channel: str        # "phone" | "email"
    value: str
    note: str


class CallbackDialog(Dialog[CallbackChoice]):
    TITLE_TEXT = "Offer a callback"
    SUBMIT_LABEL = "Record callback"
    CANCEL_TEXT = "No callback recorded."
    AUTO_FOCUS = "#callback-value"    # the number first; shift+tab reaches phone / e-mail
    KEYS_TEXT = "shift+tab phone/e-mail · Enter next field · ctrl+s record · Esc cancel"

    def __init__(self, phone: str = "", email: str = "") -> None:
        super().__init__()
        self.known = {"phone": phone, "email": email}

    def fields(self) -> ComposeResult:
        with RadioSet(id="callback-channel"):
            yield RadioButton("Phone", value=True, id="callback-phone")
            yield RadioButton("E-mail", id="callback-email")
        yield Label("Number or address")
        yield Input(self.known["phone"], placeholder="e.g. +44 20 7946 0000", id="callback-value")
        yield Label("Note (when, what about)")
        yield Input(placeholder="e.g. after 5 pm, about the invoice", id="callback-note")

    def on_mount(self) -> None:
        self.query_one("#callback-value", Input).focus()   # at mount: keys typed at once land here

    @property
    def channel(self) -> str:
        return "email" if self.query_one("#callback-email", RadioButton).value else "phone"

    @on(RadioSet.Changed)
    def _channel_changed(self) -> None:
        box = self.query_one("#callback-value", Input)
        if not box.value.strip() or box.value in self.known.values():
            box.value = self.known[self.channel]
        box.placeholder = "e.g. name@example.com" if self.channel == "email" else "e.g. +44 20 7946 0000"

    def result(self) -> CallbackChoice | None:
        target = value(self, "#callback-value")
        if not target:
            self.complain(f"Not recorded yet: give the {'e-mail address' if self.channel == 'email' else 'phone number'} "
                          "to call back on (the grey text is only an example).")
            self.query_one("#callback-value", Input).focus()
            return None
        if self.channel == "email" and "@" not in target:
            self.complain("Not recorded yet: that does not look like an e-mail address.")
            self.query_one("#callback-value", Input).focus()
            return None
        if self.channel == "phone" and not looks_like_phone(target):
            self.complain("Not recorded yet: a phone number has digits, spaces and + ( ) - only.")
            self.query_one("#callback-value", Input).focus()
            return None
        return CallbackChoice(self.channel, target, value(self, "#callback-note"))
