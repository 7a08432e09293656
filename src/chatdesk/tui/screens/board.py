"""The supervisor board: every operator with status, chats held / limit, median first response
today and their longest-waiting chat; the live chats; the queue with SLA colours; missed chats
today. Live: the session refetches the board after each event that moves a figure, and waits
tick here every second from their timestamps.

Names and titles are untrusted: every cell is a rich Text built from a plain string.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, Static

from chatdesk.protocol.staff import Board, LiveChat
from chatdesk.tui.dialogs.staff_dialogs import CapDialog
from chatdesk.tui.format import fit, fmt_clock, fmt_wait, update_if_changed, visitor_label
from chatdesk.tui.keymap import BOARD_BINDINGS
from chatdesk.tui.screens.staff_base import StaffScreen
from chatdesk.tui.widgets.key_footer import KeyFooter

STATUS = {"online": ("online", "bold green"), "away": ("away", "yellow"),
          "on_phone": ("on the phone", "yellow"), "offline": ("offline", "dim")}


def sla_style(seconds: float, warn: float, late: float) -> str:
    """Green under `warn`, amber under `late`, then red."""
    if seconds < warn:
        return "green"
    if seconds < late:
        return "bold yellow"
    return "bold white on red"


class BoardScreen(StaffScreen):
    BINDINGS: ClassVar[list[BindingType]] = [*BOARD_BINDINGS]

    def __init__(self, session: Any, clock: Callable[[], float], sla_warn: float = 30.0,
                 sla_late: float = 90.0, **kwargs: Any) -> None:
        super().__init__(session, clock, **kwargs)
        self.sla_warn, self.sla_late = sla_warn, sla_late
        self.operator_rows: list[Any] = []      # BoardOperator, in table order
        self.live: list[LiveChat] = []          # the board's active chats, oldest first

    def compose(self) -> ComposeResult:
        yield Static(id="board-summary")
        yield Static(id="board-requests")      # shown while callbacks or offline messages wait
        yield Static("Operators", classes="board-title")
        yield DataTable(id="board-operators", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="board-middle"):
            with Vertical():
                yield Static("Live chats (m or Enter: monitor)", classes="board-title")
                yield DataTable(id="board-live", cursor_type="row", zebra_stripes=True)
            with Vertical():
                yield Static("Queue", classes="board-title")
                yield DataTable(id="board-queue", cursor_type="row", zebra_stripes=True)
        yield Static("Missed today (Enter: follow up)", classes="board-title", id="board-missed-title")
        yield DataTable(id="board-missed", cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#board-operators", DataTable).add_columns(
            "Operator", "Status", "Chats", "1st reply (median)", "Longest wait", "Flags", "Held msgs")
        self.query_one("#board-live", DataTable).add_columns("Visitor", "Operator", "Open for", "Accepted")
        self.query_one("#board-queue", DataTable).add_columns("Visitor", "Waiting", "Department", "First words")
        self.query_one("#board-missed", DataTable).add_columns("Visitor", "Queued", "Now", "First words", "Page")
        self.follow_store(self._on_change)
        self.set_interval(1.0, self.render_board)
        self.call_api("Board", lambda: self.session.staff.follow_board(True), lambda _: self.render_board())
        self.render_board()
        self.query_one("#board-operators", DataTable).focus()

    def on_unmount(self) -> None:
        super().on_unmount()
        asyncio.get_running_loop().create_task(self.session.staff.follow_board(False))

    def _on_change(self, change: Any) -> None:
        if change.kind == "board":
            self.render_board()

    # --- drawing ---------------------------------------------------------------------------------
    def render_board(self) -> None:
        board = self.store.oversight.board
        now = self.clock()
        self.live = list(board.live) if board is not None else []
        names = self._visitor_names(board)
        if board is None:
            update_if_changed(self.query_one("#board-summary", Static),
                              Content.styled("Loading the board…", "$text-muted"), layout=False)
            return
        online = sum(1 for o in board.operators if o.status == "online")
        longest = max((now - e.conversation.queued_at for e in board.queue), default=0.0)
        bits: list[Any] = [("Board ", "bold $accent"), f"· online {online} of {len(board.operators)} · ",
                           ("queue ", "$text-muted"), (str(len(board.queue)), "bold")]
        if board.queue:
            bits += [" longest ", (fmt_wait(longest), "bold")]
        bits += [" · ", ("live ", "$text-muted"), str(len(self.live)), " · ", ("missed today ", "$text-muted"),
                 (str(board.missed_today), "bold $error" if board.missed_today else "bold"),
                 " · ", ("held messages ", "$text-muted"),
                 (str(board.pending_approvals), "bold $warning" if board.pending_approvals else "bold"),
                 (f"   updated {time_of(board.generated_at)}", "$text-muted")]
        update_if_changed(self.query_one("#board-summary", Static), Content.assemble(*bits), layout=False)
        requests = self.query_one("#board-requests", Static)
        requests.display = board.requests_open > 0
        update_if_changed(requests, requests_line(board, self.size.width), layout=False)

        self.operator_rows = sorted(board.operators, key=lambda o: (o.status != "online", o.name.lower()))
        rows: list[tuple[Text, ...]] = []
        for o in self.operator_rows:
            label, style = STATUS.get(o.status, (o.status, ""))
            chats = Text(f"{o.active_chats}/{o.max_chats}",
                         style="bold red" if o.active_chats >= o.max_chats else "bold")
            median = fmt_wait(o.first_response_median) if o.first_response_median is not None else "—"
            if o.longest_wait is not None:
                waited = now - o.longest_wait.waiting_since
                wait = Text(f"{fmt_wait(waited)} {fit(o.longest_wait.visitor_name or 'Visitor', 18)}",
                            style=sla_style(waited, self.sla_warn, self.sla_late))
            else:
                wait = Text("—", style="dim")
            flags = " ".join(f for f, on in (("novice", o.novice), ("approval", o.approval_required)) if on)
            rows.append((Text(o.name, style="bold"), Text(label, style=style), chats,
                         Text(f"{median} ({o.first_responses})"), wait, Text(flags, style="yellow"),
                         Text(str(o.pending_approvals or ""))))
        table = self.query_one("#board-operators", DataTable)
        fill(table, rows)
        if table.styles.height is None or table.styles.height.value != len(rows) + 1:
            table.styles.height = max(2, len(rows) + 1)     # as tall as the floor, up to 40%

        rows = []
        for c in self.live:
            since = (c.accepted_at or c.queued_at)
            rows.append((Text(fit(names.get(c.id, f"Chat {c.id}"), 24)), Text(c.operator_name or "—"),
                         Text(fmt_wait(now - c.queued_at)), Text(fmt_clock(since), style="dim")))
        fill(self.query_one("#board-live", DataTable), rows)

        rows = []
        for e in board.queue:
            waited = now - e.conversation.queued_at
            rows.append((Text(fit(visitor_label(e.visitor), 22), style="bold"),
                         Text(fmt_wait(waited), style=sla_style(waited, self.sla_warn, self.sla_late)),
                         Text(e.conversation.department or "—"),
                         Text(fit(e.first_message.replace("\n", " "), 40))))
        fill(self.query_one("#board-queue", DataTable), rows)

        rows = [missed_row(c, self.size.width) for c in board.missed[:20]]
        fill(self.query_one("#board-missed", DataTable), rows)
        self.query_one("#board-missed-title", Static).update(
            f"Missed today: {board.missed_today}" + (" (Enter: follow up)" if board.missed else ""))

    def _visitor_names(self, board: Board | None) -> dict[int, str]:
        names: dict[int, str] = {}
        for o in (board.operators if board else []):
            if o.longest_wait is not None and o.longest_wait.visitor_name:
                names[o.longest_wait.conversation_id] = o.longest_wait.visitor_name
        for c in self.live:
            names[c.id] = c.visitor_name or f"Visitor {c.visitor_id[:6]}"
        return names

    # --- actions ---------------------------------------------------------------------------------
    def selected_operator(self) -> Any | None:
        table = self.query_one("#board-operators", DataTable)
        row = table.cursor_row
        if not self.operator_rows or row is None or not 0 <= row < len(self.operator_rows):
            self.notify("Pick an operator in the operators table first.", severity="warning")
            return None
        return self.operator_rows[row]

    def selected_conversation(self) -> int | None:
        focused = self.focused
        board = self.store.oversight.board
        if isinstance(focused, DataTable) and focused.row_count:
            row = focused.cursor_row
            if focused.id == "board-live" and row < len(self.live):
                return self.live[row].id
            if focused.id == "board-queue" and board is not None and row < len(board.queue):
                return board.queue[row].conversation.id
            if focused.id == "board-missed" and board is not None and row < len(board.missed):
                return board.missed[row].id
            if focused.id == "board-operators" and row < len(self.operator_rows):
                op = self.operator_rows[row]
                if op.longest_wait is not None:
                    return op.longest_wait.conversation_id
                theirs = [c.id for c in self.live if c.operator_id == op.id]
                if theirs:
                    return theirs[0]
                self.notify(f"{op.name} holds no chat right now.", markup=False)
                return None
        self.notify("Pick a chat in the live chats or the queue first (Tab moves between tables).",
                    severity="warning")
        return None

    def action_monitor(self) -> None:
        board = self.store.oversight.board
        table = self.focused
        if isinstance(table, DataTable) and table.id == "board-missed" and board is not None:
            if table.row_count and table.cursor_row < len(board.missed):
                self.open_missed(board.missed[table.cursor_row])
            return
        cid = self.selected_conversation()
        if cid is not None:
            self.open_monitor(cid)

    def open_missed(self, missed: Any) -> None:
        """A missed chat is followed up, not monitored: nobody holds it any more."""
        from chatdesk.tui.screens.missed import MissedChatScreen
        self.app.push_screen(MissedChatScreen(self.session, self.clock, missed))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_monitor()

    def open_monitor(self, cid: int) -> None:
        from chatdesk.tui.screens.monitor import MonitorScreen
        self.app.push_screen(MonitorScreen(self.session, self.clock, cid))

    def action_set_cap(self) -> None:
        op = self.selected_operator()
        if op is None:
            return

        def chosen(cap: int | None) -> None:
            if cap is not None:
                self.call_api("Chat limit", lambda: self.session.staff.set_operator_limits(op.id, max_chats=cap),
                              lambda _: self.notify(f"{op.name} may now hold {cap} chats.", markup=False))
        self.app.push_screen(CapDialog(op.name, op.max_chats, op.active_chats), chosen)

    def action_toggle_novice(self) -> None:
        op = self.selected_operator()
        if op is not None:
            on = not op.novice

            def answered(yes: bool | None) -> None:
                if yes:
                    self.call_api("Novice", lambda: self.session.staff.set_operator_limits(op.id, novice=on),
                                  lambda _: self.notify(f"{op.name} is {'now' if on else 'no longer'} a novice.",
                                                        markup=False))
            self._confirm(f"{'Mark' if on else 'Unmark'} {op.name} as a novice?",
                          f"{op.name} will {'be' if on else 'no longer be'} listed as a novice for trainers.",
                          "Mark novice" if on else "Unmark", "The novice mark is unchanged.", answered)

    def action_toggle_approval(self) -> None:
        op = self.selected_operator()
        if op is not None:
            on = not op.approval_required

            def answered(yes: bool | None) -> None:
                if yes:
                    self.call_api("Approval mode", lambda: self.session.staff.set_operator_limits(
                        op.id, approval_required=on), lambda _: self.notify(
                            f"Approval mode {'on' if on else 'off'} for {op.name}." + (
                                "" if on else " Messages already held still wait for a trainer."),
                            markup=False))
            self._confirm(f"Approval mode {'on' if on else 'off'} for {op.name}?",
                          f"Each reply {op.name} writes waits for a trainer before the visitor sees it." if on
                          else f"{op.name}'s replies reach visitors at once; messages already held still wait.",
                          "Turn on" if on else "Turn off", "Approval mode is unchanged.", answered)

    def _confirm(self, title: str, sentence: str, yes: str, cancelled: str,
                 answered: Callable[[bool | None], None]) -> None:
        from chatdesk.tui.dialogs.confirm import ConfirmDialog
        self.app.push_screen(ConfirmDialog(title, sentence, yes=yes, cancelled=cancelled), answered)

    def action_approvals(self) -> None:
        from chatdesk.tui.screens.approvals import ApprovalQueueScreen
        self.app.push_screen(ApprovalQueueScreen(self.session, self.clock))

    def action_transcripts(self) -> None:
        from chatdesk.tui.screens.review import TranscriptReviewScreen
        self.app.push_screen(TranscriptReviewScreen(self.session, self.clock))

    def action_report(self) -> None:
        from chatdesk.tui.screens.report import ReportScreen
        self.app.push_screen(ReportScreen(self.session, self.clock))


def requests_line(board: Board, width: int) -> Content:
    """Work items: how many wait, how many are overdue, and the most overdue ones (contact and
    name are the visitor's: plain text), cut to the screen's width."""
    bits: list[Any] = [("Requests open ", "$text-muted"), (str(board.requests_open), "bold"),
                       (" · overdue ", "$text-muted"),
                       (str(board.requests_overdue), "bold $error" if board.requests_overdue else "bold")]
    late = [f"{i.phone if i.channel == 'phone' else i.email} ({i.name or 'no name'}, due {fmt_clock(i.due_at)})"
            for i in board.overdue_requests[:5]]
    if late:
        bits += [(": ", "$text-muted"), fit(" · ".join(late), max(20, width - 40))]
    bits.append(("   ctrl+l: the work list", "$text-muted"))
    return Content.assemble(*bits)


def missed_row(c: Any, width: int) -> tuple[Text, ...]:
    """Who, when, on the site now or not, the first words, the page (title, else the URL); the
    words and the page share what the screen's `width` leaves, so the row fits at 80 columns."""
    name = c.visitor_name or f"Visitor {c.visitor_id[:6]}"
    now = Text("● on site", style="bold green") if c.visitor_online else Text("left", style="dim")
    free = max(24, width - 44)              # name 16, clock 5, state 9, cell padding, scrollbar
    words = free * 3 // 5
    return (Text(fit(name, 16), style="bold"), Text(fmt_clock(c.queued_at)), now,
            Text(fit(c.first_message.replace("\n", " "), words)),
            Text(fit(c.page_title or c.page_url or "—", free - words)))


def time_of(ts: float) -> str:
    import time
    return time.strftime("%H:%M:%S", time.localtime(ts))


def fill(table: DataTable[Text], rows: list[tuple[Text, ...]]) -> None:
    """Replace the rows, keeping the cursor where it was (the board redraws every second)."""
    row = table.cursor_row
    table.clear()
    for cells in rows:
        table.add_row(*cells)
    if rows:
        table.move_cursor(row=min(row, len(rows) - 1), animate=False, scroll=False)
