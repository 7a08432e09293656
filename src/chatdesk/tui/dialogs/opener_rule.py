"""A new opener rule: name, where and when it fires, its text and its control group."""
from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Label

from chatdesk.tui.dialogs.dialog import Dialog, value


class OpenerRuleDialog(Dialog[dict[str, Any]]):
    TITLE_TEXT = "New opener rule"
    SUBMIT_LABEL = "Create"
    CANCEL_TEXT = "No rule was created."

    def fields(self) -> ComposeResult:
        yield Label("Name")
        yield Input(placeholder="Boots, second visit", id="rule-name", max_length=120)
        yield Label("Pages (* is any text) · seconds on the page · at least this visit")
        yield Input("*/product*", id="rule-url", max_length=2048)
        yield Input("20", id="rule-seconds", type="integer")
        yield Input("1", id="rule-visits", type="integer")
        yield Label("The opener ({visitor.name}, {page.title} are filled in)")
        yield Input("Hi {visitor.name}! Questions about {page.title}?", id="rule-text", max_length=8000)
        yield Label("Control group, % of qualifying visits never shown (0-100)")
        yield Input("10", id="rule-control", type="number")

    def result(self) -> dict[str, Any] | None:
        name, text = value(self, "#rule-name"), value(self, "#rule-text")
        seconds, visits, control = value(self, "#rule-seconds"), value(self, "#rule-visits"), value(self, "#rule-control")
        if not name or not text:
            self.complain("The rule needs a name and an opener text.")
            return None
        try:
            share = float(control or "10")
        except ValueError:
            share = -1.0
        if not seconds.isdigit() or not visits.isdigit() or int(visits) < 1 or not 0 <= share <= 100:
            self.complain("Seconds and visits are whole numbers (visits from 1); the control group 0 to 100 %.")
            return None
        conditions: dict[str, Any] = {"min_page_seconds": int(seconds), "min_visits": int(visits)}
        if value(self, "#rule-url"):
            conditions["url_pattern"] = value(self, "#rule-url")
        return {"name": name, "conditions": conditions, "texts": {"en": text}, "control_percent": share}
