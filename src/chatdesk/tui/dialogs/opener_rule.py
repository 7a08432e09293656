"""An opener rule: name, where and when it fires, its text and its control group. New (n), or an
existing rule to edit (e): then the fields start from the rule, and what the dialog does not show
(other conditions, other languages' texts) is kept as it was."""
from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Label

from chatdesk.tui.dialogs.dialog import Dialog, value

NEW_TEXT = "Hi {visitor.name}! Questions about {page.title}?"


def _num(x: float | None, default: str) -> str:
    return default if x is None else f"{x:g}"


class OpenerRuleDialog(Dialog[dict[str, Any]]):
    TITLE_TEXT: str | Content = "New opener rule"
    SUBMIT_LABEL = "Create"
    CANCEL_TEXT = "No rule was created."

    def __init__(self, rule: Any = None) -> None:
        super().__init__()
        self.rule = rule
        if rule is not None:
            self.TITLE_TEXT = Content(f"Edit opener rule {rule.name}")     # staff text: never markup
            self.SUBMIT_LABEL = "Save"
            self.CANCEL_TEXT = "The rule was not changed."

    def fields(self) -> ComposeResult:
        r = self.rule
        cond = r.conditions if r is not None else None
        text = (r.texts.get(r.default_language) or next(iter(r.texts.values()), "")) if r is not None else NEW_TEXT
        yield Label("Name")
        # editing: the cursor after the name, nothing selected (a keystroke must not wipe it)
        yield Input(r.name if r is not None else "", placeholder="Boots, second visit", id="rule-name", max_length=120,
                    select_on_focus=r is None)
        yield Label("Pages (* is any text) · seconds on the page · at least this visit")
        yield Input((cond.url_pattern or "") if cond is not None else "*/product*", id="rule-url", max_length=2048)
        yield Input(_num(cond.min_page_seconds if cond else None, "20" if r is None else "0"), id="rule-seconds",
                    type="integer")
        yield Input(_num(cond.min_visits if cond else None, "1"), id="rule-visits", type="integer")
        yield Label("The opener ({visitor.name}, {page.title} are filled in)")
        yield Input(text, id="rule-text", max_length=8000)
        yield Label("Control group, % of qualifying visits never shown (0-100)")
        yield Input(_num(r.control_percent if r is not None else None, "10"), id="rule-control", type="number")

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
        r = self.rule
        conditions: dict[str, Any] = r.conditions.model_dump(exclude_none=True) if r is not None else {}
        conditions.update({"min_page_seconds": int(seconds), "min_visits": int(visits)})
        conditions.pop("url_pattern", None)
        if value(self, "#rule-url"):
            conditions["url_pattern"] = value(self, "#rule-url")
        texts = {**(r.texts if r is not None else {}), (r.default_language if r is not None else "en"): text}
        return {"name": name, "conditions": conditions, "texts": texts, "control_percent": share}
