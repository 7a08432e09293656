"""The desk: queue | chat (tabs, transcript, composer) | visitor journey, kept in step with the store.

The store tells us what changed (`Change`); changes are batched to at most one repaint per frame
and handed to the parts that show them: the status bar, the queue, the `ChatPane`, the journey
sidebar and the `AlertCenter`. Every network call runs in a worker; a refusal or an unreachable
server becomes an error notification carrying the server's (or client's) sentence.
"""
from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from chatdesk.tui.api_worker import call_api
from chatdesk.tui.change_batch import ChangeBatch
from chatdesk.tui.format import fmt_wait, update_if_changed, visitor_label
from chatdesk.tui.keymap import DESK_BINDINGS, STAFF_DESK_BINDINGS
from chatdesk.tui.widgets.alert_center import AlertCenter
from chatdesk.tui.widgets.chat_pane import ChatPane
from chatdesk.tui.widgets.composer import Composer
from chatdesk.tui.widgets.journey_sidebar import JourneySidebar
from chatdesk.tui.widgets.key_footer import KeyFooter
from chatdesk.tui.widgets.queue_panel import QueuePanel
from chatdesk.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from chatdesk.client.session import DeskSession
    from chatdesk.client.store import DeskStore
    from chatdesk.client.view import Change
    from chatdesk.tui.dialogs.callback import CallbackChoice
    from chatdesk.tui.dialogs.close import CloseChoice
    from chatdesk.tui.dialogs.transfer import TransferChoice
    from chatdesk.tui.widgets.transcript import Transcript

NARROW = 100   # below this many columns the sidebar collapses (F9 shows it over the chat)
# Actions that act on the chat on screen: dimmed in the footer while none is open.
# The dialogs are imported when first opened: none of them is on the way to the first screen.
NEEDS_CHAT = {"transfer", "note", "callback", "close_chat", "send_parts", "send_checking", "canned",
              "edit_visitor", "visitor_note", "retry_failed", "discard_failed"}


class DeskScreen(Screen[None]):
    BINDINGS = [*DESK_BINDINGS, *STAFF_DESK_BINDINGS]

    def __init__(self, session: DeskSession, clock: Callable[[], float] = time.time, alert_every: float = 30.0,
                 split_len: int = 160, checking_text: str = "One moment, I am checking that for you.",
                 departments: list[str] | None = None, cursor_blink: bool = True) -> None:
        super().__init__()
        self.cursor_blink = cursor_blink
        self.session = session
        self.clock = clock
        self.departments: list[str] = list(departments or [])
        # The desk's parts, held so the store's changes never need a query (a batch can still be
        # flushed while the screen is being taken down, after its children are gone).
        self.status_bar = StatusBar(id="status-bar")
        self.queue_header = Static(id="queue-header")
        self.queue_panel = QueuePanel(clock=clock, id="queue")
        self.sidebar = JourneySidebar(clock=clock, id="sidebar")
        self.chat = ChatPane(session, clock, split_len=split_len, checking_text=checking_text, id="chat-column")
        self.key_footer = KeyFooter()   # held, not queried: a batch may flush while the screen unmounts
        self.alerts = AlertCenter(self, session.store, self.status_bar, clock, alert_every,
                                  lambda: self.chat.active_id)
        # a message in the chat on screen is shown at once, everything else once per frame
        self.changes = ChangeBatch(self, self._flush,
                                 lambda c: c.kind == "messages" and c.id == self.chat.active_id)
        self._unsubscribe: Callable[[], None] | None = None
        self._queue_waiting = False

    @property
    def store(self) -> DeskStore:
        return self.session.store

    # The chat pane's state, as the command palette, the app and scripts read it.
    @property
    def active_id(self) -> int | None:
        return self.chat.active_id

    @property
    def tab_order(self) -> list[int]:
        return self.chat.tab_order

    @property
    def transcripts(self) -> dict[int, Transcript]:
        return self.chat.transcripts

    def switch_to(self, cid: int) -> None:
        self.chat.switch_to(cid)

    def show_chat(self, cid: int) -> None:
        """Show this chat: now if its tab is open, else as soon as it arrives."""
        self.chat.show(cid)

    def call_api(self, what: str, call: Callable[[], Awaitable[Any] | Any],
                 done: Callable[[Any], None] | None = None, quiet: bool = False) -> None:
        call_api(self, what, call, done, quiet)

    # --- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield self.status_bar
        with Horizontal(id="desk-body"):
            with Vertical(id="queue-column"):
                yield self.queue_header
                yield self.queue_panel
            yield self.chat
            yield self.sidebar
        yield self.key_footer

    def on_mount(self) -> None:
        self._unsubscribe = self.store.subscribe(self._on_change)
        self.set_interval(1.0, self._tick)
        if not self.cursor_blink:
            for composer in self.query(Composer):
                composer.cursor_blink = False
            for box in self.query(Input):
                box.cursor_blink = False
        self.sync_all()
        if self.chat.active_id is None:
            self.chat.show_nothing()
        self.chat.focus_composer()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    # --- store changes, batched ------------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        self.changes.add(change)

    def _flush(self, changes: set[Change]) -> None:
        kinds = {c.kind for c in changes}
        chat = self.chat
        if kinds & {"queue", "me", "operator", "connection", "conversation"}:
            self.sync_status()
        if "me" in kinds:
            self.alerts.limits(self.store.me)
        if "queue" in kinds:
            self.sync_queue()
            added = [c.id for c in changes if c.kind == "queue" and c.detail == "added" and c.id is not None]
            if added:
                self.alerts.new_chats(added)
        if "conversation" in kinds:
            chat.sync_tabs([c for c in changes if c.kind == "conversation"])
            self.sync_status()
        for c in changes:
            if c.kind == "messages" and c.id is not None and c.id in chat.tab_order:
                if c.id in chat.transcripts:
                    chat.sync_transcript(c.id)
                if c.detail == "visitor" and c.id != chat.active_id:
                    self.alerts.background_message(c.id)
            if c.id == chat.active_id and c.kind in ("typing", "visitor", "conversation", "messages"):
                chat.sync_typing_line()
                if c.kind in ("visitor", "conversation") or c.detail == "reload":
                    self.sync_sidebar()   # a reload brings the visitor's full journey
                    chat.sync_composer_title()
            if c.kind == "watchers" and c.id == chat.active_id:
                chat.sync_composer_title()
            if c.kind == "notice" and c.text:
                self.notify(c.text, title="chatdesk", markup=False)
        view = chat.active_view()
        if view is not None and view.unread:
            self.store.mark_read(view.id)
        chat.sync_tab_labels()
        # No refresh_bindings() here: check_action only depends on the chat on screen, and
        # on_chat_pane_switched refreshes them; doing it per batch would recompose the footer.

    def sync_all(self) -> None:
        self.alerts.limits(self.store.me)     # the first call only notes them
        self.sync_status()
        self.sync_queue()
        self.chat.sync_tabs([])
        self.sync_status()
        self.chat.sync_tab_labels()

    def sync_status(self) -> None:
        bar = self.status_bar
        bar.me = self.store.me
        bar.connection = self.store.connection
        bar.my_chats = len(self.chat.tab_order)
        bar.waiting = self.store.queue_state.waiting
        bar.longest = int(self.queue_panel.longest_wait())
        self.sync_queue_header()
        self.chat.sync_composer_notice()

    def sync_queue(self) -> None:
        self.queue_panel.set_entries(self.store.queue_sorted(), more=self.store.queue_state.more)
        self.sync_queue_header()
        if bool(self.store.queue) != self._queue_waiting:
            self._queue_waiting = bool(self.store.queue)
            self.key_footer.update_keys()

    def footer_idle(self) -> set[str]:
        """What the 80-column footer leaves out now (F1 lists it): F6 always, ctrl+o while nobody
        waits, F9 while somebody does or the queue has the focus (its room goes to ctrl+o / Enter)."""
        idle = {"callback", "toggle_sidebar"} if self.store.queue else {"callback", "accept_oldest"}
        if isinstance(self.focused, QueuePanel):
            idle.add("toggle_sidebar")
        return idle


    def sync_queue_header(self) -> None:
        panel = self.queue_panel
        n = len(panel.entries) + panel.more
        me = self.store.me
        mine = f"  mine {len(self.chat.tab_order)}/{me.max_chats}" if me is not None else ""
        longest = f" · longest {fmt_wait(panel.longest_wait())}" if n else ""
        update_if_changed(self.queue_header,   # height 1: no layout needed
                          Content.assemble((f" Queue {n}", "bold"), longest, (mine, "$text-muted")), layout=False)
        self.status_bar.longest = int(panel.longest_wait())

    def sync_sidebar(self) -> None:
        view = self.chat.active_view()
        self.sidebar.set_visitor(view.visitor if view else None, self.chat.active_id)

    def on_chat_pane_switched(self, event: ChatPane.Switched) -> None:
        self.sync_sidebar()
        self.refresh_bindings()

    def _tick(self) -> None:
        """Every second: wait times, aging tabs, the journey's clocks, the queue's re-alert."""
        panel = self.queue_panel
        panel.refresh()
        self.sync_queue()
        self.chat.sync_tab_labels()
        self.sidebar.refresh_journey()
        self.alerts.queue_waiting(panel.longest_wait())

    # --- actions ---------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NEEDS_CHAT and self.chat.active_id is None:
            return None   # shown dimmed in the footer: there is no chat to act on
        return True

    def accept(self, cid: int) -> None:
        """Take this chat from the queue and show it (at once when it is mine already)."""
        held = cid in self.chat.tab_order
        self.chat.show(cid)
        if not held:
            self.call_api("Accept", lambda: self.session.accept(cid), lambda _: self.chat.focus_composer())

    def on_queue_panel_accept_requested(self, event: QueuePanel.AcceptRequested) -> None:
        self.accept(event.conversation_id)

    def action_accept_selected(self) -> None:
        selected = self.queue_panel.selected_id
        if selected is not None:
            self.accept(selected)

    def action_accept_oldest(self) -> None:
        entries = self.store.queue_sorted()
        if not entries:
            self.notify("Nobody is waiting in the queue.")
            return
        self.accept(entries[0].conversation.id)

    def action_focus_queue(self) -> None:
        self.queue_panel.focus()

    def action_focus_composer(self) -> None:
        self.chat.focus_composer()

    def action_next_tab(self) -> None:
        self.chat.step(1)

    def action_prev_tab(self) -> None:
        self.chat.step(-1)

    def action_goto_tab(self, n: int) -> None:
        self.chat.goto(n)

    def action_send_parts(self) -> None:
        self.chat.send_parts()

    def action_send_checking(self) -> None:
        self.chat.send_checking()

    def action_retry_failed(self) -> None:
        self.chat.retry_failed()

    def action_discard_failed(self) -> None:
        self.chat.discard_failed()

    def action_canned(self) -> None:
        self.chat.open_canned()

    # --- dialogs ---------------------------------------------------------------------------------
    def action_help(self) -> None:
        from chatdesk.tui.screens.help import HelpScreen
        self.app.push_screen(HelpScreen(getattr(self.app, "user_keymap", {})))

    def action_status(self, status: str | None = None) -> None:
        def chosen(value: str | None) -> None:
            if value:
                self.call_api("Status", lambda: self.session.set_status(value),
                              lambda _: self.notify(f"Status: {value.replace('_', ' ')}."))
        if status:
            chosen(status)
            return
        me = self.store.me
        from chatdesk.tui.dialogs.status import StatusDialog
        self.app.push_screen(StatusDialog(me.status if me else "online", holding=len(self.chat.tab_order)), chosen)

    def action_transfer(self) -> None:
        cid = self.chat.need_chat()
        if cid is None:
            return
        me = self.store.me

        def chosen(choice: TransferChoice | None) -> None:
            if choice is not None:
                name = visitor_label(self.store.conversations[cid].visitor)
                self.call_api("Transfer", lambda: self.session.transfer(
                    cid, operator_id=choice.operator_id, department=choice.department, note=choice.note),
                    lambda _: self.notify(f"The chat with {name} went to {choice.to}"
                                          f"{' with your note' if choice.note else ''}.", markup=False))
        operators = sorted(self.store.operators.values(), key=lambda o: o.name.lower())
        from chatdesk.tui.dialogs.transfer import TransferDialog
        self.app.push_screen(TransferDialog(operators, self.departments, me.id if me else None), chosen)

    def action_close_chat(self) -> None:
        cid = self.chat.need_chat()
        if cid is None:
            return

        def chosen(choice: CloseChoice | None) -> None:
            if choice is not None:
                self.call_api("Close", lambda: self.session.close(
                    cid, choice.summary, choice.tags, follow_up=choice.follow_up),
                    lambda _: self.notify("Chat closed."))
        from chatdesk.client.summary import draft
        from chatdesk.tui.dialogs.close import CloseDialog
        view = self.store.conversations[cid]
        past = getattr(view.visitor, "past_conversations", [])
        drafted = draft(view.messages, self.store.canned, [t for p in past for t in p.tags])
        self.app.push_screen(CloseDialog(drafted.summary, drafted.tags), chosen)

    def action_note(self) -> None:
        cid = self.chat.need_chat()
        if cid is None:
            return

        def written(body: str | None) -> None:
            if body:
                self.call_api("Note", lambda: self.session.send(cid, body, kind="note"),
                              lambda _: self.notify("Note added: operators see it, the visitor never does."))
        from chatdesk.tui.dialogs.note import NoteDialog
        self.app.push_screen(NoteDialog(), written)

    def action_callback(self) -> None:
        cid = self.chat.need_chat()
        if cid is None:
            return
        visitor = self.store.conversations[cid].visitor

        def chosen(choice: CallbackChoice | None) -> None:
            if choice is not None:
                self.call_api("Callback", lambda: self.session.callback(
                    cid, choice.channel, choice.value, note=choice.note),
                    lambda _: self.notify(f"Callback recorded for {visitor_label(visitor)}.", markup=False))
        from chatdesk.tui.dialogs.callback import CallbackDialog
        self.app.push_screen(CallbackDialog(visitor.phone, visitor.email), chosen)

    # --- sidebar ---------------------------------------------------------------------------------
    def action_toggle_sidebar(self) -> None:
        self.toggle_class("-sidebar-open" if self.has_class("-narrow") else "-sidebar-closed")

    def _open_sidebar_at(self, selector: str) -> None:
        self.remove_class("-sidebar-closed")
        self.add_class("-sidebar-open")
        self.query_one(selector).focus()

    def action_edit_visitor(self) -> None:
        self._open_sidebar_at("#journey-name")

    def action_visitor_note(self) -> None:
        self._open_sidebar_at("#journey-new-note")

    def on_journey_sidebar_visitor_edited(self, event: JourneySidebar.VisitorEdited) -> None:
        cid = event.conversation_id
        if cid is None:
            return
        self.call_api("Save contact", lambda: self.session.update_visitor(cid, **{event.field: event.value}),
                      lambda _: self.notify(f"Saved the visitor's {event.field}."))

    def on_journey_sidebar_note_added(self, event: JourneySidebar.NoteAdded) -> None:
        cid = event.conversation_id
        if cid is None:
            return
        self.call_api("Visitor note", lambda: self.session.add_visitor_note(cid, event.body),
                      lambda _: self.notify("Note kept on the visitor."))
