"""The work list (ctrl+l): callback requests and offline messages waiting for an answer, the
soonest due first, with an overdue mark. c claims the one under the cursor, p calls back (you are
"on the phone" until it is done: refused while you hold chats), d marks it done with a note,
u gives it back, t reads the chat it came from. Live: request events keep the list current.

Every field but the kind, channel and times came from a visitor: cleaned by the client
(store.work) and shown as plain Text, never parsed as markup."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.widgets import DataTable, Static

from chatdesk.client.work_list import is_overdue
from chatdesk.protocol.work_items import WorkItem
from chatdesk.tui.format import fit, fmt_clock, fmt_wait, update_if_changed
from chatdesk.tui.keymap import WORK_BINDINGS
from chatdesk.tui.screens.staff_base import StaffScreen
from chatdesk.tui.widgets.key_footer import KeyFooter

KIND = {"callback": "Callback", "offline": "Message"}
CHANNEL = {"phone": "phone", "email": "e-mail"}


def contact(item: WorkItem) -> str:
    return item.phone if item.channel == "phone" else item.email


def work_row(item: WorkItem, now: float, me: int | None, width: int) -> tuple[Text, ...]:
    """Overdue mark, kind, channel, contact, preferred time, visitor, age, who has it. The contact
    and the preferred time share what the screen's `width` leaves (the contact first), so the row
    fits at 80 columns."""
    from rich.cells import cell_len
    late = is_overdue(item, now)
    mark = Text("!", style="bold white on red") if late else Text(" ")
    free = max(20, width - 56)         # the other columns, their padding and the scrollbar
    reach = contact(item)
    reach_width = min(max(cell_len(reach), 8), free - 6)
    if item.state == "claimed":
        who = "you" if item.claimed_by == me else item.claimed_by_name or "someone"
        holder = Text(fit(("☎ " if item.calling_since else "") + who, 8),
                      style="bold yellow" if item.claimed_by == me else "dim")
    else:
        holder = Text("open", style="bold green")
    return (mark, Text(KIND.get(item.kind, item.kind)), Text(CHANNEL.get(item.channel, item.channel)),
            Text(fit(reach, reach_width), style="bold"), Text(fit(item.preferred_time or "—", free - reach_width)),
            Text(fit(item.name or "—", 10)), Text(fmt_wait(now - item.created_at), style="bold red" if late else ""),
            holder)


class WorkListScreen(StaffScreen):
    BINDINGS: ClassVar[list[BindingType]] = [*WORK_BINDINGS]

    def __init__(self, session: Any, clock: Callable[[], float], **kwargs: Any) -> None:
        super().__init__(session, clock, **kwargs)
        self.rows: list[WorkItem] = []          # the items in table order

    def compose(self) -> ComposeResult:
        yield Static(id="work-header")
        yield DataTable(id="work-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="work-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("", "Kind", "By", "Contact", "When", "Visitor", "Age", "Who")
        self.follow_store(self._on_change)
        self.set_interval(1.0, self.render_list)          # ages and overdue marks move on
        self.render_list()
        self.query_one(DataTable).focus()
        self.load()

    def _on_change(self, change: Any) -> None:
        if change.kind in ("work", "me"):
            self.render_list()

    @property
    def selected(self) -> WorkItem | None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        return self.rows[row] if table.row_count and 0 <= row < len(self.rows) else None

    # --- drawing ---------------------------------------------------------------------------------
    def render_list(self) -> None:
        work, now = self.store.work, self.clock()
        me = self.store.me.id if self.store.me else None
        self.rows = work.pending()
        late = sum(1 for i in self.rows if is_overdue(i, now))
        head: list[Any] = [("Work list ", "bold $accent")]
        if not work.loaded:
            head.append(("loading…", "$text-muted"))
        else:
            head += [("open ", "$text-muted"), (str(len(self.rows)), "bold"), (" · overdue ", "$text-muted"),
                     (str(late), "bold $error" if late else "bold")]
            if work.total is not None and work.total > len(self.rows):
                head.append((f" (showing {len(self.rows)} of {work.total})", "$text-muted"))
        update_if_changed(self.query_one("#work-header", Static), Content.assemble(*head), layout=False)
        table: DataTable[Text] = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for item in self.rows:
            table.add_row(*work_row(item, now, me, self.size.width), key=str(item.id))
        if self.rows:
            table.move_cursor(row=min(max(cursor, 0), len(self.rows) - 1), animate=False, scroll=False)
        self.render_detail()

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.render_detail()

    def render_detail(self) -> None:
        item = self.selected
        if item is None:
            text = Content.styled("Nothing waiting: no callback requests or offline messages are open."
                                  if self.store.work.loaded else "", "$text-muted")
        else:
            due = "overdue since " if is_overdue(item, self.clock()) else "due "
            source = f"from chat {item.conversation_id}" if item.conversation_id else "from the site's form"
            text = Content.assemble(
                (f"{KIND.get(item.kind, item.kind)} by {CHANNEL.get(item.channel, item.channel)} ", "bold"),
                (contact(item), "bold"), ("  " + due, "$text-muted"), fmt_clock(item.due_at),
                ("  " + source, "$text-muted"), ("  recorded by ", "$text-muted"), item.created_by, "\n",
                item.message or "(no message)")
        update_if_changed(self.query_one("#work-detail", Static), text)

    # --- actions ---------------------------------------------------------------------------------
    def load(self, done: Callable[[list[WorkItem]], None] | None = None) -> None:
        def shown(items: list[WorkItem]) -> None:
            self.render_list()
            if done is not None:
                done(items)
        self.call_api("Work list", self.session.work.load, shown, replaces="work")

    def action_reload(self) -> None:
        """r: the list again from the server (events keep it current; this is for doubt)."""
        self.load(lambda items: self.notify(f"Reloaded: {len(items)} open.", markup=False))

    def _need(self) -> WorkItem | None:
        item = self.selected
        if item is None:
            self.notify("There is no request to act on.", severity="warning", markup=False)
        return item

    def action_claim(self) -> None:
        item = self._need()
        if item is not None:
            self.call_api("Claim", lambda: self.session.work.claim(item.id),
                          lambda _: self.notify(f"Claimed: {contact(item)}.", markup=False))

    def action_call(self) -> None:
        item = self._need()
        if item is None:
            return
        if item.channel != "phone":
            self.notify(f"This one asks for an e-mail to {item.email}: write to them, then d marks it done.",
                        severity="warning", markup=False)
            return
        self.call_api("Call", lambda: self.session.work.call(item.id),
                      lambda _: self.notify(f"You are on the phone: call {item.phone}. d marks it done.",
                                            markup=False))

    def action_done(self) -> None:
        item = self._need()
        if item is None:
            return

        def written(note: str | None) -> None:
            if note:
                self.call_api("Done", lambda: self.session.work.done(item.id, note),
                              lambda _: self.notify("Done: the request left the work list.", markup=False))
        from chatdesk.tui.dialogs.work_done import WorkDoneDialog
        self.app.push_screen(WorkDoneDialog(contact(item)), written)

    def action_release(self) -> None:
        item = self._need()
        if item is not None:
            self.call_api("Release", lambda: self.session.work.release(item.id),
                          lambda _: self.notify("Released: it is open for a colleague again.", markup=False))

    def action_transcript(self) -> None:
        item = self._need()
        if item is None:
            return
        if item.conversation_id is None:
            self.notify("This request came from the site's form, not from a chat.", markup=False)
            return
        from chatdesk.tui.screens.transcript_read import TranscriptReadScreen
        self.app.push_screen(TranscriptReadScreen(self.session, self.clock, item.conversation_id))
