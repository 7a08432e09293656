"""Opener rules with their figures, for supervisors: by priority, each with its qualified visits,
conversion of the shown and the control group and the uplift with its 95 % interval ("not enough
data yet" below the minimum sample), and for the rule under the cursor a small chart of the two
conversions with the interval; every row has a strip with its interval on one shared axis.
p pauses or resumes, + and - move a rule up or down, n makes one, e edits one, d picks the period (today, 7 or
30 days, all time: the stats endpoint's since/until), x writes the table to a CSV file. The
columns and the chart follow the terminal's width as it is resized."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.widgets import DataTable, Static

from chatdesk.tui.format import fit
from chatdesk.tui.keymap import OPENERS_BINDINGS
from chatdesk.tui.screens.staff_base import StaffScreen
from chatdesk.tui.widgets.key_footer import KeyFooter
from chatdesk.tui.widgets.opener_chart import chart, pct, span_of, strip_text, uplift_text

STRIP = 15
# (key, header, width); below NARROW columns the table keeps what fits in 80
COLUMNS = [("priority", "#", 2), ("name", "Rule", 20), ("on", "On", 3), ("control_share", "Ctrl", 4),
           ("visits", "Visits", 6), ("shown", "Shown", 7), ("control", "Control", 7),
           ("uplift", "Uplift, 95 % interval", 24), ("strip", "−      0      +", STRIP)]
NARROW = 100
NARROW_COLUMNS = [("priority", "#", 2), ("name", "Rule", 14), ("on", "On", 3), ("visits", "Visits", 6),
                  ("shown", "Shown", 6), ("control", "Ctrl", 6), ("uplift", "Uplift, 95 %", 24)]
# (label, days back; 0: since the start of today, None: everything the server has)
PERIODS: list[tuple[str, int | None]] = [("today", 0), ("last 7 days", 7), ("last 30 days", 30), ("all time", None)]


def period_bounds(days: int | None, now: float) -> tuple[float, float]:
    """[since, until) for the stats endpoint, in wall-clock seconds."""
    if days is None:
        return 0.0, now
    if days == 0:
        t = time.localtime(now)
        return time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0, 0, 0, -1)), now
    return now - days * 86_400, now


class OpenersScreen(StaffScreen):
    BINDINGS: ClassVar[list[BindingType]] = [*OPENERS_BINDINGS]

    def __init__(self, session: Any, clock: Callable[[], float], **kwargs: Any) -> None:
        super().__init__(session, clock, **kwargs)
        self.rules: list[Any] = []
        self.stats: dict[int, Any] = {}
        self.period = 2                          # last 30 days
        self.loaded_at: float | None = None
        self.exported: Path | None = None
        self.columns = COLUMNS

    def compose(self) -> ComposeResult:
        yield Static(id="openers-header")
        yield DataTable(id="openers-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="openers-chart")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.use_columns(self.columns_for(self.app.size.width))
        self.header("loading…")
        self.action_reload()
        self.query_one(DataTable).focus()

    @staticmethod
    def columns_for(width: int) -> list[tuple[str, str, int]]:
        return NARROW_COLUMNS if width < NARROW else COLUMNS

    def use_columns(self, columns: list[tuple[str, str, int]]) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self.columns = columns
        for _key, header, width in columns:
            table.add_column(header, width=width)

    def on_resize(self, event: events.Resize) -> None:
        """The table's columns and the chart follow the terminal's width, not only its width at open."""
        wanted = self.columns_for(event.size.width)
        if wanted is not self.columns:
            keep = self.selected()
            self.use_columns(wanted)
            self.fill_table(keep)
        self.show_chart()

    def header(self, note: str = "") -> None:
        label = PERIODS[self.period][0]
        parts: list[Any] = [("Openers ", "bold $accent"), (f"{len(self.rules)} rules", "bold"),
                            ("  period: ", "$text-muted"), (label, "bold"), (" (d changes it)", "$text-muted")]
        if self.loaded_at is not None:
            parts.append((f"  figures of {time.strftime('%d %b %H:%M', time.localtime(self.loaded_at))}",
                          "$text-muted"))
        if note:
            parts.append((f"  {note}", "$text-muted"))
        self.query_one("#openers-header", Static).update(Content.assemble(*parts))

    def action_reload(self) -> None:
        now = time.time()                        # the server's figures: wall-clock seconds
        since, until = period_bounds(PERIODS[self.period][1], now)

        async def load() -> tuple[list[Any], list[Any], float]:
            api = self.session.api.openers
            return await api.rules(), await api.stats(since, until), now

        self.call_api("Openers", load, self.show, replaces="openers")

    def show(self, answer: tuple[list[Any], list[Any], float]) -> None:
        rules, stats, self.loaded_at = answer
        keep = self.selected()
        self.rules, self.stats = rules, {s.rule_id: s for s in stats}
        self.fill_table(keep)
        self.header()
        self.show_chart()

    def fill_table(self, keep: Any) -> None:
        """The rows from the rules and figures shown, in the columns in use; the cursor back on
        `keep`, the rule it was on."""
        rules = self.rules
        span = span_of(self.stats.values())
        table = self.query_one(DataTable)
        table.clear()
        for r in rules:
            s = self.stats.get(r.id)
            cells = {"priority": Text(str(r.priority)), "on": Text("on" if r.enabled else "off"),
                     "control_share": Text(f"{r.control_percent:g}%"), "visits": Text(str(s.qualified if s else 0)),
                     "shown": Text(pct(s.treatment.conversion if s else None)),
                     "control": Text(pct(s.control.conversion if s else None)),
                     "strip": strip_text(s, span, STRIP)}
            widths = {key: width for key, _h, width in self.columns}
            cells["name"] = Text(fit(r.name, widths["name"]), style="bold" if r.enabled else "dim")
            cells["uplift"] = Text(fit(uplift_text(s), widths["uplift"]))
            table.add_row(*(cells[key] for key, _h, _w in self.columns), key=str(r.id))
        if keep is not None:
            for i, r in enumerate(rules):
                if r.id == keep.id:
                    table.move_cursor(row=i)

    def selected(self) -> Any:
        row = self.query_one(DataTable).cursor_row
        return self.rules[row] if self.rules and row is not None and 0 <= row < len(self.rules) else None

    def show_chart(self) -> None:
        r = self.selected()
        self.query_one("#openers-chart", Static).update(
            chart(r, self.stats.get(r.id), self.app.size.width - 2) if r is not None else Content.styled("No rules yet: n makes one.",
                                                                                 "$text-muted"))

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show_chart()

    def action_next_period(self) -> None:
        self.period = (self.period + 1) % len(PERIODS)
        self.header("loading…")
        self.action_reload()

    def action_export(self) -> None:
        """The table as it stands (these rules, this period's figures) to a CSV file."""
        if self.loaded_at is None:
            self.notify("The figures are still loading; export when they are shown.", severity="warning",
                        markup=False)
            return
        from chatdesk.client.config import export_folder
        from chatdesk.client.openers_csv import rules_csv
        text = rules_csv(self.rules, self.stats)
        folder = export_folder(getattr(getattr(self.app, "settings", None), "export_dir", ""))
        name = PERIODS[self.period][0].replace(" ", "-")
        path = folder / f"openers-{name}-{time.strftime('%Y%m%d-%H%M%S', time.localtime(self.loaded_at))}.csv"

        async def write() -> Path:
            import asyncio
            await asyncio.to_thread(_write, path, text)
            return path

        def done(written: Path) -> None:
            self.exported = written
            self.notify(f"Saved {len(self.rules)} rules to {written}", markup=False)
        self.call_api("Export", write, done)

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

    def action_edit_rule(self) -> None:
        from chatdesk.tui.dialogs.opener_rule import OpenerRuleDialog
        r = self.selected()
        if r is None:
            self.notify("There is no rule to edit: n makes one.", severity="warning", markup=False)
            return

        def save(fields: dict[str, Any] | None) -> None:
            if fields is not None:
                self.call_api("Edit rule", lambda: self.session.api.openers.edit(r.id, **fields),
                              lambda done: self.changed(f"Rule {done.name} saved."))

        self.app.push_screen(OpenerRuleDialog(r), save)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
