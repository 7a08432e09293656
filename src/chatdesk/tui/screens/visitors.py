"""Visitors on the site (LiveChat's "Traffic"): everyone browsing now with their page, time on
the page and on the site, visit count, where they came from, cart and state. s sorts by the next
figure, o flips the order, / filters as you type (name, page, campaign, referrer), i invites the
one under the cursor, r loads the list again.

Live: the list is loaded once over REST (`session.browsing`) and then follows the stream's
`visitors.browsing` frames through the store; nothing polls. Changes are drawn at most once per
DRAW_EVERY seconds (a busy site sends a frame a second, keys must not wait behind a redraw), and
a repaint once a second moves the clocks. The rows are a virtual list (VisitorTable).

Every value here is the visitor's text: cleaned by the client (store.browsing), shown as plain values."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.widgets import Input, Static

from chatdesk.tui.format import update_if_changed
from chatdesk.tui.keymap import VISITORS_BINDINGS
from chatdesk.tui.screens.staff_base import StaffScreen
from chatdesk.tui.widgets.key_footer import KeyFooter
from chatdesk.tui.widgets.visitor_table import VisitorTable, header_text, label

SORTS = [("time_on_site", "time on site"), ("page_seconds", "time on the page"), ("cart_value", "cart"),
         ("visit_count", "visits"), ("last_seen", "last active")]
DRAW_EVERY = 0.25          # seconds: frames that come faster are drawn together
TICK = 1.0                 # seconds: the clocks move


class VisitorsScreen(StaffScreen):
    BINDINGS: ClassVar[list[BindingType]] = [*VISITORS_BINDINGS]

    def __init__(self, session: Any, clock: Callable[[], float], **kwargs: Any) -> None:
        super().__init__(session, clock, **kwargs)
        self.sort = 0
        self.descending = True
        self.query_text = ""
        self._drawn_version = -1
        self._draw_pending = False

    @property
    def browsing(self) -> Any:
        return self.store.browsing

    @property
    def table(self) -> VisitorTable:
        return self.query_one(VisitorTable)

    def compose(self) -> ComposeResult:
        yield Static(id="visitors-header")
        yield Input(placeholder="/ filter: name, page, campaign (Enter or Esc back to the list)",
                    id="visitors-filter")
        yield Static(id="visitors-columns")
        yield VisitorTable(self.store.browsing, id="visitors-table")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.follow_store(self._on_change)
        self.on_resize()
        self.set_interval(TICK, self.table.refresh)
        self.table.focus()
        if self.browsing.loaded:
            self.redraw()
        else:
            self.header("Loading…")
            self.load()

    def on_resize(self) -> None:
        # the table's width less its scrollbar: the same widths its rows are cut to
        columns = self.query("#visitors-columns").results(Static)
        for static in columns:
            update_if_changed(static, Content.styled(
                header_text(max(1, self.size.width - 1)), "bold $text-muted"))

    def _on_change(self, change: Any) -> None:
        if change.kind == "browsing" and not self._draw_pending:
            self._draw_pending = True
            self.set_timer(DRAW_EVERY, self._draw_later)

    def _draw_later(self) -> None:
        self._draw_pending = False
        if self.browsing.version != self._drawn_version:
            self.redraw()

    def redraw(self) -> None:
        """Sort and filter the store's list into the table."""
        b = self.browsing
        self._drawn_version = b.version
        self.table.empty_text = ("Nobody matches the filter." if self.query_text and b.visitors
                                 else "Nobody is on the site now." if b.loaded else "Loading…")
        self.table.set_rows(b.rows(SORTS[self.sort][0], self.descending, self.query_text))
        self.header()

    def header(self, note: str = "") -> None:
        b = self.browsing
        shown = f"{len(self.table.rows)} of {b.online}" if b.loaded else "…"
        order = "most first" if self.descending else "least first"
        filtered = f"  filter “{self.query_text}”" if self.query_text else ""
        update_if_changed(self.query_one("#visitors-header", Static), layout=False, content=Content.assemble(
            ("Visitors on the site ", "bold $accent"), (shown, "bold"),
            ("  sorted by ", "$text-muted"), SORTS[self.sort][1], (f" ({order})", "$text-muted"),
            (filtered, "$text-muted"), (f"  {note}" if note else "", "$text-muted")))

    def selected(self) -> Any:
        return self.table.selected

    # --- keys ----------------------------------------------------------------------------------
    def load(self, done: Callable[[int], None] | None = None) -> None:
        def shown(count: int) -> None:
            self.redraw()
            if done is not None:
                done(count)
        self.call_api("Visitors", self.session.browsing.load, shown, replaces="visitors")

    def action_reload(self) -> None:
        """r: the whole list again over REST (the frames keep it current; this is for doubt)."""
        self.load(lambda n: self.notify(f"Reloaded: {n} visitors on the site.", markup=False))

    def action_next_sort(self) -> None:
        self.sort = (self.sort + 1) % len(SORTS)
        self.redraw()

    def action_flip_order(self) -> None:
        self.descending = not self.descending
        self.redraw()

    def action_focus_filter(self) -> None:
        self.query_one("#visitors-filter", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_text = event.value.strip()
        self.redraw()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    def action_close(self) -> None:
        """Esc: from the filter back to the list (the filter stays); from the list, back."""
        if self.focused is self.query_one("#visitors-filter", Input):
            self.table.focus()
            return
        super().action_close()

    def action_invite(self) -> None:
        from chatdesk.tui.dialogs.invite import InviteDialog, InviteText
        v = self.selected()
        if v is None:
            self.notify("Nobody is on the site to invite.", severity="warning", markup=False)
            return
        who = label(v)

        def send(answer: InviteText | None) -> None:
            if answer is None:
                return
            self.call_api("Invite", lambda: self.session.api.browsing.invite(
                v.id, body=answer.body, canned_id=answer.canned_id),
                lambda _inv: self.notify(f"Invited {who}; their reply will be your chat.", markup=False))

        self.app.push_screen(InviteDialog(who, list(self.store.canned)), send)
