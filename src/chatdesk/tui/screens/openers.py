"""Opener rules with their figures, for supervisors: by priority, each with its qualified visits,
conversion of the shown and the control group and the uplift with its 95 % interval ("not enough
data yet" below the minimum sample), and for the rule under the cursor a small chart of the two
conversions with the interval. p pauses or resumes, + and - move a rule up or down, n makes one,
the period is the last N days (d)."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.widgets import DataTable, Input, Static

from chatdesk.tui.format import fit
from chatdesk.tui.keymap import OPENERS_BINDINGS
from chatdesk.tui.screens.staff_base import StaffScreen
from chatdesk.tui.widgets.key_footer import KeyFooter

BAR = 40
COLUMNS = [("#", 2), ("Rule", 20), ("On", 3), ("Ctrl", 4), ("Visits", 6), ("Shown", 7), ("Control", 7),
           ("Uplift, 95 % interval", 24)]


def pct(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.1f}%"


def points(x: float) -> str:
    return f"{100 * x:+.1f}"


def uplift_text(stats: Any) -> str:
    u = stats.uplift if stats is not None else None
    if u is None:
        return stats.verdict if stats is not None and stats.verdict else "not enough data yet"
    return f"{points(u.difference)} pts [{points(u.low)}, {points(u.high)}]"


def chart(rule: Any, stats: Any) -> Content:
    """Two bars on one scale: shown and control conversion, and the uplift's interval."""
    if stats is None:
        return Content.styled("No figures for this rule yet.", "$text-muted")
    t, c = stats.treatment, stats.control
    top = max(t.conversion or 0.0, c.conversion or 0.0, 0.01)
    parts: list[Any] = [(fit(rule.name, 40), "bold"), "\n"]
    for label, g, style in (("shown  ", t, "$accent"), ("control", c, "$text-muted")):
        n = round(BAR * (g.conversion or 0.0) / top)
        parts += [f"{label} ", ("█" * n, style), " " * (BAR - n + 1),
                  f"{pct(g.conversion)} of {g.visits}  ·  {g.orders} orders, {g.revenue:.2f}\n"]
    parts += [("uplift  ", "bold"), uplift_text(stats),
              (f"   accepted {t.accepted}, dismissed {t.dismissed}", "$text-muted")]
    return Content.assemble(*parts)


class OpenersScreen(StaffScreen):
    BINDINGS: ClassVar[list[BindingType]] = [*OPENERS_BINDINGS]

    def __init__(self, session: Any, clock: Callable[[], float], **kwargs: Any) -> None:
        super().__init__(session, clock, **kwargs)
        self.rules: list[Any] = []
        self.stats: dict[int, Any] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="openers-header")
        yield Input("30", placeholder="days", id="openers-days", type="integer")
        yield DataTable(id="openers-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="openers-chart")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for header, width in COLUMNS:
            table.add_column(header, width=width)
        self.action_reload()
        table.focus()

    def days(self) -> int:
        text = self.query_one("#openers-days", Input).value.strip()
        return max(1, min(int(text), 3650)) if text.isdigit() else 30

    def action_reload(self) -> None:
        days, now = self.days(), time.time()      # the server's figures: wall-clock seconds

        async def load() -> tuple[list[Any], list[Any]]:
            api = self.session.api.openers
            return await api.rules(), await api.stats(now - days * 86_400, now)

        self.call_api("Openers", load, self.show, replaces="openers")

    def show(self, answer: tuple[list[Any], list[Any]]) -> None:
        rules, stats = answer
        keep = self.selected()
        self.rules, self.stats = rules, {s.rule_id: s for s in stats}
        table = self.query_one(DataTable)
        table.clear()
        for r in rules:
            s = self.stats.get(r.id)
            table.add_row(Text(str(r.priority)), Text(fit(r.name, 20), style="bold" if r.enabled else "dim"),
                          Text("on" if r.enabled else "off"), Text(f"{r.control_percent:g}%"),
                          Text(str(s.qualified if s else 0)), Text(pct(s.treatment.conversion if s else None)),
                          Text(pct(s.control.conversion if s else None)), Text(fit(uplift_text(s), 24)), key=str(r.id))
        if keep is not None:
            for i, r in enumerate(rules):
                if r.id == keep.id:
                    table.move_cursor(row=i)
        self.query_one("#openers-header", Static).update(Content.assemble(
            ("Openers ", "bold $accent"), (f"{len(rules)} rules", "bold"),
            (f"  last {self.days()} days to {time.strftime('%d %b %H:%M', time.localtime())}",
             "$text-muted")))
        self.show_chart()

    def selected(self) -> Any:
        row = self.query_one(DataTable).cursor_row
        return self.rules[row] if self.rules and row is not None and 0 <= row < len(self.rules) else None

    def show_chart(self) -> None:
        r = self.selected()
        self.query_one("#openers-chart", Static).update(
            chart(r, self.stats.get(r.id)) if r is not None else Content.styled("No rules yet: n makes one.",
                                                                                 "$text-muted"))

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show_chart()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_reload()
        self.query_one(DataTable).focus()

    def action_focus_days(self) -> None:
        self.query_one("#openers-days", Input).focus()

    def changed(self, sentence: str) -> None:
        if sentence:
            self.notify(sentence, markup=False)
        self.action_reload()

    def action_pause_rule(self) -> None:
        r = self.selected()
        if r is None:
            return
        self.call_api("Pause", lambda: self.session.api.openers.edit(r.id, enabled=not r.enabled),
                      lambda done: self.changed(f"{done.name}: {'on' if done.enabled else 'paused'}."))

    def action_move(self, step: int) -> None:
        r = self.selected()
        if r is None:
            return
        ids = [x.id for x in self.rules]
        i = ids.index(r.id)
        j = max(0, min(len(ids) - 1, i + step))
        ids[i], ids[j] = ids[j], ids[i]
        self.call_api("Priority", lambda: self.session.api.openers.order(ids), lambda _r: self.changed(""))

    def action_new_rule(self) -> None:
        from chatdesk.tui.dialogs.opener_rule import OpenerRuleDialog

        def create(fields: dict[str, Any] | None) -> None:
            if fields is not None:
                self.call_api("New rule", lambda: self.session.api.openers.create(fields),
                              lambda made: self.changed(f"Rule {made.name} created."))

        self.app.push_screen(OpenerRuleDialog(), create)
