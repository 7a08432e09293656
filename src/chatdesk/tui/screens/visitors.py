"""Visitors on the site (LiveChat's "Traffic"): everyone browsing now with their page, time on
the page and on the site, visit count, where they came from, cart and state; sorted by s, filtered
with / (name, page, campaign), i invites the one under the cursor. The list is a DataTable (a
Line-API widget: only the rows on screen are drawn, so 2,000 visitors stay quick) and refreshes
every REFRESH seconds, keeping the cursor on the same visitor.

Every value here is the visitor's text: cleaned by the client (BrowsingApi), shown as plain values."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.widgets import DataTable, Input, Static

from chatdesk.tui.format import fit, fmt_wait
from chatdesk.tui.keymap import VISITORS_BINDINGS
from chatdesk.tui.screens.staff_base import StaffScreen
from chatdesk.tui.widgets.key_footer import KeyFooter

REFRESH = 2.0
SORTS = [("time_on_site", "time on site"), ("page_seconds", "time on the page"), ("cart_value", "cart"),
         ("visit_count", "visits"), ("last_seen", "last active")]
COLUMNS = [("Visitor", 14), ("Page", 22), ("Page t", 6), ("Site t", 6), ("#", 3), ("From", 12), ("Cart", 8),
           ("State", 8)]
STATE_STYLE = {"chatting": "bold", "queued": "bold", "invited": "italic", "browsing": ""}


def source(v: Any) -> str:
    c = v.campaign
    if c.campaign or c.source:
        return "/".join(p for p in (c.source, c.campaign) if p)
    return v.referrer.split("//", 1)[-1].split("/", 1)[0] if v.referrer else "direct"


def row(v: Any) -> list[Text]:
    cart = f"{v.cart.value:.0f} {v.cart.currency}".strip() if v.cart is not None else "—"
    cells = [v.name or f"Visitor {v.id[:6]}", v.current_title or v.current_url, fmt_wait(v.page_seconds),
             fmt_wait(v.time_on_site), str(v.visit_count), source(v), cart, v.state]
    return [Text(fit(text, width), style=STATE_STYLE.get(v.state, "") if i in (0, 7) else "")
            for i, (text, (_h, width)) in enumerate(zip(cells, COLUMNS, strict=True))]


class VisitorsScreen(StaffScreen):
    BINDINGS: ClassVar[list[BindingType]] = [*VISITORS_BINDINGS]

    def __init__(self, session: Any, clock: Callable[[], float], **kwargs: Any) -> None:
        super().__init__(session, clock, **kwargs)
        self.sort = 0
        self.page: Any = None
        self.visitors: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static(id="visitors-header")
        yield Input(placeholder="/ filter: name, page, campaign (Enter applies)", id="visitors-filter")
        yield DataTable(id="visitors-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for header, width in COLUMNS:
            table.add_column(header, width=width)
        self.header("Loading…")
        self.action_reload()
        self.set_interval(REFRESH, self.action_reload)
        table.focus()

    def header(self, note: str = "") -> None:
        shown = f"{len(self.visitors)} of {self.page.online}" if self.page is not None else "…"
        self.query_one("#visitors-header", Static).update(Content.assemble(
            ("Visitors on the site ", "bold $accent"), (shown, "bold"),
            ("  sorted by ", "$text-muted"), SORTS[self.sort][1], (f"  {note}" if note else "", "$text-muted")))

    def action_reload(self) -> None:
        q = self.query_one("#visitors-filter", Input).value.strip()
        self.call_api("Visitors", lambda: self.session.api.browsing.page(sort=SORTS[self.sort][0], q=q),
                      self.show, replaces="visitors")

    def show(self, page: Any) -> None:
        table = self.query_one(DataTable)
        keep = self.selected()
        self.page, self.visitors = page, list(page.visitors)
        table.clear()
        for v in self.visitors:
            table.add_row(*row(v), key=v.id)
        if keep is not None:
            for i, v in enumerate(self.visitors):
                if v.id == keep.id:
                    table.move_cursor(row=i)
                    break
        self.header()

    def selected(self) -> Any:
        table = self.query_one(DataTable)
        if not self.visitors or table.cursor_row is None or not 0 <= table.cursor_row < len(self.visitors):
            return None
        return self.visitors[table.cursor_row]

    def action_next_sort(self) -> None:
        self.sort = (self.sort + 1) % len(SORTS)
        self.header()
        self.action_reload()

    def action_focus_filter(self) -> None:
        self.query_one("#visitors-filter", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_reload()
        self.query_one(DataTable).focus()

    def action_invite(self) -> None:
        from chatdesk.tui.dialogs.invite import InviteDialog, InviteText
        v = self.selected()
        if v is None:
            self.notify("Nobody is on the site to invite.", severity="warning", markup=False)
            return
        who = v.name or f"Visitor {v.id[:6]}"

        def send(answer: InviteText | None) -> None:
            if answer is None:
                return
            self.call_api("Invite", lambda: self.session.api.browsing.invite(
                v.id, body=answer.body, canned_id=answer.canned_id),
                lambda _inv: self.notify(f"Invited {who}; their reply will be your chat.", markup=False))

        self.app.push_screen(InviteDialog(who, list(self.store.canned)), send)
