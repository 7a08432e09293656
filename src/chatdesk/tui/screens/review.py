"""Transcript review: search closed chats by text, operator, tag, dates and rating (or mark), and
open one to read it with its journey, its reviews and coaching notes. Operators get their own
chats only (the server decides), which is how they read the notes a trainer left them."""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import DataTable, Input, Select, Static

from chatdesk.tui.format import fit
from chatdesk.tui.keymap import REVIEW_BINDINGS
from chatdesk.tui.screens.staff_base import StaffScreen
from chatdesk.tui.widgets.key_footer import KeyFooter


def sold_cell(t: Any) -> str:
    """The orders attributed to the chat: '120.00 EUR', '2× 180.00 EUR', or empty."""
    if not t.orders:
        return ""
    count = f"{t.orders}× " if t.orders > 1 else ""
    return fit(f"{count}{t.revenue:.2f} {t.currency}".strip(), 18)


def parse_day(text: str, end: bool = False) -> float | None:
    """'2026-11-23', 'today' or 'yesterday' -> the start (or, with end, the end) of that local day."""
    text = text.strip().lower()
    if not text:
        return None
    today = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
    day = {"today": today, "yesterday": today - timedelta(days=1)}.get(text)
    if day is None:
        day = datetime.strptime(text, "%Y-%m-%d")    # ValueError: the screen says what it wants
    return (day + timedelta(days=1) if end else day).timestamp()


class TranscriptReviewScreen(StaffScreen):
    BINDINGS: ClassVar[list[BindingType]] = [*REVIEW_BINDINGS]

    def __init__(self, session: Any, clock: Callable[[], float], **kwargs: Any) -> None:
        super().__init__(session, clock, **kwargs)
        self.results: list[Any] = []

    @property
    def staff(self) -> bool:
        return bool(getattr(self.session, "is_staff", False))

    def compose(self) -> ComposeResult:
        yield Static(id="review-header")
        with Horizontal(id="review-filters"):
            yield Input(placeholder="words (Enter searches)", id="review-q")
            operators = sorted(self.store.operators.values(), key=lambda o: o.name.lower())
            yield Select([(Content(o.name), o.id) for o in operators], prompt="any operator",   # names: no markup
                         id="review-operator",
                         disabled=not self.staff)
            yield Input(placeholder="tag", id="review-tag")
            yield Input(placeholder="from YYYY-MM-DD", id="review-since")
            yield Input(placeholder="to YYYY-MM-DD", id="review-until")
            yield Select([(f"{n} ★", n) for n in range(1, 6)], prompt="any rating", id="review-rating")
            yield Select([("best", "best"), ("worst", "worst")], prompt="any mark", id="review-mark")
        yield DataTable(id="review-results", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Closed", "Visitor", "Operator", "Tags", "Rating", "Marks",
                                              "Msgs", "Sold", "Match")
        who = "closed chats" if self.staff else "your closed chats (with your coaching notes)"
        self.query_one("#review-header", Static).update(
            f"Transcripts · {who} · Enter on a row reads it · Esc back")
        self.search()
        self.query_one("#review-q", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search()

    def on_select_changed(self, _event: Select.Changed) -> None:
        self.search()

    def filters(self) -> dict[str, Any] | None:
        def get(selector: str) -> Any:
            value = self.query_one(selector, Select).value
            return None if value is Select.NULL else value   # nothing picked
        try:
            since = parse_day(self.query_one("#review-since", Input).value)
            until = parse_day(self.query_one("#review-until", Input).value, end=True)
        except ValueError:
            self.notify("Dates are written like 2026-11-23 (or today, yesterday).", severity="warning")
            return None
        out = {"operator_id": get("#review-operator"), "tag": self.query_one("#review-tag", Input).value.strip(),
               "since": since, "until": until, "rating": get("#review-rating"), "mark": get("#review-mark")}
        return {k: v for k, v in out.items() if v not in (None, "")}

    def search(self) -> None:
        filters = self.filters()
        if filters is None:
            return
        q = self.query_one("#review-q", Input).value.strip() or None
        self.call_api("Search", lambda: self.session.staff.transcripts(q, **filters), self.show)

    def show(self, results: list[Any]) -> None:
        self.results = list(results)
        table = self.query_one(DataTable)
        table.clear()
        for t in self.results:
            c = t.conversation
            closed = time.strftime("%d %b %H:%M", time.localtime(c.closed_at or c.queued_at))
            table.add_row(Text(closed), Text(fit(t.visitor_name or "Visitor", 20), style="bold"),
                          Text(c.operator_name or "—"), Text(fit(" ".join(f"#{x}" for x in c.tags), 20)),
                          Text("★" * c.rating if c.rating else "—", style="yellow"),
                          Text(" ".join(t.marks), style="bold"), Text(str(t.message_count)),
                          Text(sold_cell(t), style="green"),
                          Text(fit(t.snippet.replace("\n", " "), 40), style="dim"))
        self.sub_title = f"{len(self.results)} found"

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = event.cursor_row
        if 0 <= row < len(self.results):
            from chatdesk.tui.screens.transcript_read import TranscriptReadScreen
            self.app.push_screen(TranscriptReadScreen(self.session, self.clock,
                                                      self.results[row].conversation.id),
                                 lambda _: self.search())

    def action_focus_search(self) -> None:
        self.query_one("#review-q", Input).focus()

    def action_focus_results(self) -> None:
        self.query_one(DataTable).focus()
