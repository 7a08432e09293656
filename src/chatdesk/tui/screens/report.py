"""The report: chats, answered, missed, first response (median, p90), handle time and ratings for
a range of days (today by default), by operator, and by hour of day as a small bar chart for
planning who works the peak hours (report_hours.py); when orders were credited to chats, each
operator's and each hour's conversion (chats followed by an order). Figures are short ('3m05') and
columns fixed, so nothing wraps or is cut at 80 columns; the operator table comes first, the hours
below it."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Input, Static

from chatdesk.tui.format import fit, secs
from chatdesk.tui.keymap import REPORT_BINDINGS
from chatdesk.tui.screens.report_hours import hour_chart
from chatdesk.tui.screens.review import parse_day
from chatdesk.tui.screens.staff_base import StaffScreen
from chatdesk.tui.widgets.key_footer import KeyFooter

# (header, width): every figure fits its column; the headers say what the legend explains.
COLUMNS = [("Operator", 14), ("Chats", 5), ("Ans", 4), ("Miss", 4), ("1st med", 7), ("1st p90", 7),
           ("Hdl med", 7), ("Hdl p90", 7), ("★", 3)]
LEGEND = "Ans answered · Miss missed · 1st first reply · Hdl handle time (accepted → closed) · 3m05 = 3 min 5 s"


def conversion_line(operators: list[Any]) -> list[Any]:
    """Orders credited to chats (last touch, within the attribution window), by operator: a line
    of its own, only when there are any."""
    sold = sorted((o for o in operators if o.orders), key=lambda o: -(o.conversion or 0.0))
    if not sold:
        return []
    parts: list[Any] = ["\n", ("orders after chats ", "$text-muted"), (str(sum(o.orders for o in sold)), "bold"),
                        (f" ({sum(o.revenue for o in sold):.2f})", "$text-muted"), ("  conversion ", "$text-muted")]
    for i, o in enumerate(sold):
        share = f"{round(100 * o.conversion)} %" if o.conversion is not None else "—"
        parts += [" · " if i else "", fit(o.name or f"#{o.operator_id}", 14), " ", (share, "bold")]
    return parts


class ReportScreen(StaffScreen):
    BINDINGS: ClassVar[list[BindingType]] = [*REPORT_BINDINGS]

    def __init__(self, session: Any, clock: Callable[[], float], **kwargs: Any) -> None:
        super().__init__(session, clock, **kwargs)
        self.summary: Any = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="report-range"):
            yield Input(placeholder="from YYYY-MM-DD", id="report-since")
            yield Input(placeholder="to YYYY-MM-DD", id="report-until")
            yield Static("Enter/r reload · Esc back")
        yield Static(id="report-totals")
        with Vertical(id="report-body"):
            with Vertical(id="report-by-operator"):
                yield Static("By operator", classes="section")
                yield Static(LEGEND, id="report-legend")
                yield DataTable(id="report-operators", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="report-hours"):
                yield Static("By hour of day (red: missed · sold: chats that led to an order)", classes="section")
                yield Static(id="report-chart")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for header, width in COLUMNS:
            table.add_column(header, width=width)
        self.query_one("#report-totals", Static).update(Content.styled("Loading…", "$text-muted"))
        self.action_reload()
        self.query_one(DataTable).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_reload()

    def action_focus_range(self) -> None:
        self.query_one("#report-since", Input).focus()

    def action_reload(self) -> None:
        try:
            since = parse_day(self.query_one("#report-since", Input).value)
            until = parse_day(self.query_one("#report-until", Input).value, end=True)
        except ValueError:
            self.notify("Dates are written like 2026-11-23 (or today, yesterday).", severity="warning")
            return
        self.call_api("Report", lambda: self.session.staff.report(since, until), self.show)

    def show(self, r: Any) -> None:
        self.summary = r
        t = r.totals
        span = f"{time.strftime('%d %b %H:%M', time.localtime(r.since))} – {time.strftime('%d %b %H:%M', time.localtime(r.until))}"
        rating = f"{t.rating_average:.1f} ★ ({t.ratings})" if t.rating_average is not None else "—"
        self.query_one("#report-totals", Static).update(Content.assemble(
            ("Report ", "bold $accent"), (span, "$text-muted"), "\n",
            ("chats ", "$text-muted"), (str(t.chats), "bold"), ("  answered ", "$text-muted"), str(t.answered),
            ("  missed ", "$text-muted"), (str(t.missed), "bold $error" if t.missed else "bold"),
            ("  rating ", "$text-muted"), rating, "\n",
            ("first response ", "$text-muted"), f"median {secs(t.first_response_median)} · p90 {secs(t.first_response_p90)}",
            ("   handle ", "$text-muted"), f"median {secs(t.handle_median)} · p90 {secs(t.handle_p90)}",
            *conversion_line(r.by_operator)))
        table = self.query_one(DataTable)
        table.clear()
        for o in sorted(r.by_operator, key=lambda o: -o.chats):
            table.add_row(Text(fit(o.name or f"#{o.operator_id}", COLUMNS[0][1]), style="bold"),
                          Text(str(o.chats)), Text(str(o.answered)),
                          Text(str(o.missed)), Text(secs(o.first_response_median)), Text(secs(o.first_response_p90)),
                          Text(secs(o.handle_median)), Text(secs(o.handle_p90)),
                          Text(f"{o.rating_average:.1f}" if o.rating_average is not None else "—"))
        self.query_one("#report-chart", Static).update(hour_chart(r.by_hour))
