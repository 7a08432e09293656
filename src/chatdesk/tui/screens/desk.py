"""The desk: queue | tabs + transcript + composer | visitor journey, kept in step with the store.

The store tells us what changed (`Change`); changes are batched to at most one repaint per frame.
Actions (accept, transfer, close, ...) live in `desk_actions.DeskActions`.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.constants import MAX_FPS
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from chatdesk.tui.format import AGING_AFTER, fit, fmt_wait, set_border_text, update_if_changed, visitor_label
from chatdesk.tui.keymap import DESK_BINDINGS, STAFF_DESK_BINDINGS
from chatdesk.tui.screens.desk_actions import DeskActions
from chatdesk.tui.screens.desk_alerts import DeskAlerts
from chatdesk.tui.screens.staff_nav import StaffNavigation
from chatdesk.tui.widgets.composer import Composer
from chatdesk.tui.widgets.conversation_tabs import ConversationTabs, TabInfo
from chatdesk.tui.widgets.journey_sidebar import JourneySidebar
from chatdesk.tui.widgets.key_footer import KeyFooter
from chatdesk.tui.widgets.queue_panel import QueuePanel
from chatdesk.tui.widgets.status_bar import StatusBar
from chatdesk.tui.widgets.transcript import Transcript

NARROW = 100   # below this many columns the sidebar collapses (F9 shows it over the chat)
FRAME = 1 / MAX_FPS          # Textual's frame (chatdesk.tui.frame_rate): store changes at most once per frame


class DeskScreen(DeskActions, DeskAlerts, StaffNavigation, Screen):
    BINDINGS = [*DESK_BINDINGS, *STAFF_DESK_BINDINGS]

    def __init__(self, session: Any, clock: Callable[[], float] = time.time, alert_every: float = 30.0,
                 split_len: int = 160, checking_text: str = "One moment, I am checking that for you.",
                 departments: list[str] | None = None, cursor_blink: bool = True) -> None:
        super().__init__()
        self.cursor_blink = cursor_blink
        self.session = session
        self.clock = clock
        self.alert_every = alert_every
        self.split_len = split_len
        self.checking_text = checking_text
        self.departments: list[str] = list(departments or [])
        self.tab_order: list[int] = []
        self.active_id: int | None = None
        self.transcripts: dict[int, Transcript] = {}
        self._dirty: set[Any] = set()
        self._flush_timer = None
        self._flush_urgent = False
        self._last_flush = 0.0
        self._init_alerts()
        self._switch_to_on_arrival: int | None = None
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def store(self) -> Any:
        return self.session.store

    # --- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StatusBar(id="status-bar")
        with Horizontal(id="desk-body"):
            with Vertical(id="queue-column"):
                yield Static(id="queue-header")
                yield QueuePanel(clock=self.clock, id="queue")
            with Vertical(id="chat-column"):
                yield ConversationTabs(id="tabs")
                yield Container(id="transcripts")
                yield Static(id="typing-line")
                yield Composer(id="composer")
            yield JourneySidebar(clock=self.clock, id="sidebar")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._unsubscribe = self.store.subscribe(self._on_change)
        self.set_interval(1.0, self._tick)
        if not self.cursor_blink:
            for box in self.query("Composer, Input"):
                box.cursor_blink = False
        self.sync_all()
        if self.active_id is None:
            self.show_nothing()
        self.query_one(Composer).focus()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    # --- store changes, batched ------------------------------------------------------------------
    def _on_change(self, change: Any) -> None:
        self._dirty.add(change)
        # A message in the chat on screen is flushed at once; everything else at most once per
        # FRAME, at once when the last flush is older (bench/: waiting for the next frame slot
        # was most of the event-to-screen time). Textual still paints at most 60 frames a second.
        urgent = change.kind == "messages" and change.id == self.active_id
        if self._flush_timer is not None and urgent and not self._flush_urgent:
            self._flush_timer.stop()
            self._flush_timer = None
        if self._flush_timer is None:
            self._flush_urgent = urgent
            wait = 0.001 if urgent else max(0.001, self._last_flush + FRAME - time.monotonic())
            self._flush_timer = self.set_timer(wait, self._flush)    # Textual timers need > 0

    def _flush(self) -> None:
        self._flush_timer = None
        self._last_flush = time.monotonic()
        changes, self._dirty = self._dirty, set()
        kinds = {c.kind for c in changes}
        if kinds & {"queue", "me", "operator", "connection", "conversation"}:
            self.sync_status()
        if "me" in kinds:
            self.tell_new_limits()
        if "queue" in kinds:
            self.sync_queue()
            added = [c.id for c in changes if c.kind == "queue" and c.detail == "added"]
            if added:
                self.alert_new_chats(added)
        if "conversation" in kinds:
            self.sync_tabs([c for c in changes if c.kind == "conversation"])
        for c in changes:
            if c.kind == "messages" and c.id in self.tab_order:
                if c.id in self.transcripts:
                    self.sync_transcript(c.id)
                if c.detail == "visitor" and c.id != self.active_id:
                    self.alert_background_message(c.id)
            if c.id == self.active_id and c.kind in ("typing", "visitor", "conversation", "messages"):
                self.sync_typing_line()
                if c.kind in ("visitor", "conversation") or c.detail == "reload":
                    self.sync_sidebar()   # a reload brings the visitor's full journey
                    self.sync_composer_title()
            if c.kind == "watchers" and c.id == self.active_id:
                self.sync_composer_title()
            if c.kind == "notice" and c.text:
                self.notify(c.text, title="chatdesk", markup=False)
        if self.active_id is not None and self.active_id in self.store.conversations:
            if self.store.conversations[self.active_id].unread:
                self.store.mark_read(self.active_id)
        self.sync_tab_labels()
        # no refresh_bindings() here: check_action only depends on active_id, and switch_to /
        # show_nothing refresh them; doing it per batch recomposed the Footer every frame (bench/)

    def sync_all(self) -> None:
        self.tell_new_limits()       # the first call only notes them (the snapshot may be in already)
        self.sync_status()
        self.sync_queue()
        self.sync_tabs([])
        self.sync_tab_labels()

    def sync_status(self) -> None:
        bar = self.query_one(StatusBar)
        bar.me = self.store.me
        bar.connection = self.store.connection
        bar.my_chats = len(self.tab_order)
        bar.waiting = len(self.store.queue)
        bar.longest = int(self.query_one(QueuePanel).longest_wait())
        self.sync_queue_header()
        composer = self.query_one(Composer)
        me = self.store.me
        set_border_text(composer, subtitle="Reconnecting… keep typing: replies are kept and sent once"
                        if self.store.connection in ("reconnecting", "offline") else
                        "approval mode: replies wait for a trainer"
                        if me is not None and me.approval_required else "")

    def tell_new_limits(self) -> None:
        """A trainer changed my chat limit or approval mode: say so once, the status bar shows it."""
        me = self.store.me
        if me is None:
            return
        now = (me.max_chats, me.approval_required)
        before, self._limits = getattr(self, "_limits", None), now
        if before is None or before == now:
            return
        if before[0] != now[0]:
            self.notify(f"Your chat limit is now {me.max_chats}.", title="Limit changed", markup=False)
        if before[1] != now[1]:
            self.notify("A trainer approves your messages before the visitor sees them." if now[1]
                        else "Your messages go straight to the visitor again.", title="Approval mode")

    def sync_queue(self) -> None:
        panel = self.query_one(QueuePanel)
        panel.set_entries(self.store.queue_sorted())
        self.sync_queue_header()

    def sync_queue_header(self) -> None:
        panel = self.query_one(QueuePanel)
        n = len(panel.entries)
        me = self.store.me
        mine = f"  mine {len(self.tab_order)}/{me.max_chats}" if me is not None else ""
        longest = f" · longest {fmt_wait(panel.longest_wait())}" if n else ""
        update_if_changed(self.query_one("#queue-header", Static),   # height 1: no layout needed
                          Content.assemble((f" Queue {n}", "bold"), longest, (mine, "$text-muted")), layout=False)
        self.query_one(StatusBar).longest = int(panel.longest_wait())

    def sync_tabs(self, changes: list[Any]) -> None:
        """Add a tab for each open chat of mine, drop the ones that closed or moved away."""
        convs = self.store.conversations
        me = self.store.me
        for c in changes:
            if c.detail in ("closed", "left", "removed") and c.id in self.tab_order:
                name = visitor_label(convs[c.id].visitor) if c.id in convs else "the visitor"
                if c.detail == "left":
                    self.notify(f"The chat with {name} is no longer yours.", markup=False)
                self.remove_tab(c.id)
                if c.id in convs:
                    self.store.forget(c.id)
        for cid, view in convs.items():
            conv = view.conversation
            mine = me is None or conv.operator_id == me.id
            if cid not in self.tab_order and conv.state == "active" and mine:
                self.add_tab(cid)
        if self.active_id is None and self.tab_order:
            self.switch_to(self.tab_order[0])
        self.sync_status()

    def add_tab(self, cid: int) -> None:
        """A tab; its transcript widget is made the first time the tab is shown (mounting twenty
        at start-up was most of the time from the snapshot to the first full screen, bench/)."""
        self.tab_order.append(cid)
        if self._switch_to_on_arrival == cid:
            self._switch_to_on_arrival = None
            self.call_after_refresh(self.switch_to, cid)

    def _transcript(self, cid: int) -> Transcript:
        transcript = self.transcripts.get(cid)
        if transcript is None:
            me = self.store.me
            transcript = Transcript(cid, my_id=me.id if me else None, id=f"transcript-{cid}")
            transcript.display = False
            self.transcripts[cid] = transcript
            self.query_one("#transcripts").mount(transcript)
            self.sync_transcript(cid)
        return transcript

    def remove_tab(self, cid: int) -> None:
        index = self.tab_order.index(cid)
        self.tab_order.remove(cid)
        transcript = self.transcripts.pop(cid, None)
        if transcript is not None:
            transcript.remove()
        if self.active_id == cid:
            self.active_id = None
            if self.tab_order:
                self.switch_to(self.tab_order[min(index, len(self.tab_order) - 1)])
            else:
                self.show_nothing()

    def sync_transcript(self, cid: int) -> None:
        view = self.store.conversations.get(cid)
        transcript = self.transcripts.get(cid)
        if view is not None and transcript is not None:
            transcript.set_messages(view.messages, view.pending, view.approvals, view.has_older)

    def sync_tab_labels(self) -> None:
        now = self.clock()
        tabs = []
        for cid in self.tab_order:
            view = self.store.conversations.get(cid)
            if view is None:
                continue
            aging = view.waiting_since is not None and now - view.waiting_since >= AGING_AFTER
            tabs.append(TabInfo(cid, visitor_label(view.visitor), view.unread, aging, view.visitor_typing,
                                bool(view.watchers)))
        strip = self.query_one(ConversationTabs)
        strip.set_tabs(tabs)
        strip.active = self.active_id

    def sync_typing_line(self) -> None:
        line = self.query_one("#typing-line", Static)
        view = self.store.conversations.get(self.active_id) if self.active_id is not None else None
        transcript = self.transcripts.get(self.active_id) if self.active_id is not None else None
        bits: list[Any] = []
        if transcript is not None and transcript.unseen:
            bits.append((f"↓ {transcript.unseen} new below (PgDn) ", "bold $warning"))
        if view is not None and (view.visitor_typing or view.sneak_peek):
            bits.append((f" {visitor_label(view.visitor)} is typing…", "italic $text-muted"))
            if view.sneak_peek:
                bits += [("  “", "$text-muted"),
                         (fit(view.sneak_peek, max(10, self.size.width - 50)), "italic"), ("”", "$text-muted")]
        update_if_changed(line, Content.assemble(*bits) if bits else "", layout=False)   # height 1

    def on_transcript_unseen_changed(self, event: Transcript.UnseenChanged) -> None:
        if event.conversation_id == self.active_id:
            self.sync_typing_line()

    def on_composer_page_requested(self, event: Composer.PageRequested) -> None:
        transcript = self.transcripts.get(self.active_id) if self.active_id is not None else None
        if transcript is not None:
            transcript.scroll_page_down(animate=False) if event.direction > 0 else transcript.page_up()

    def on_transcript_older_wanted(self, event: Transcript.OlderWanted) -> None:
        cid = event.conversation_id
        self.call_api("Older messages", lambda: self.session.load_older(cid))

    def sync_sidebar(self) -> None:
        view = self.store.conversations.get(self.active_id) if self.active_id is not None else None
        self.query_one(JourneySidebar).set_visitor(view.visitor if view else None, self.active_id)

    # --- switching tabs (each keeps its own draft and scroll position) --------------------------
    def switch_to(self, cid: int) -> None:
        if cid not in self.tab_order:
            return
        composer = self.query_one(Composer)
        old = self.store.conversations.get(self.active_id) if self.active_id is not None else None
        if old is not None:
            old.draft = composer.text
        if self.active_id in self.transcripts:
            self.transcripts[self.active_id].display = False
        self.active_id = cid
        self._transcript(cid).display = True
        view = self.store.conversations[cid]
        composer.set_draft(view.draft)
        self.sync_composer_title()
        self.store.mark_read(cid)
        self.sync_sidebar()
        self.sync_typing_line()
        self.sync_tab_labels()
        self.refresh_bindings()

    def sync_composer_title(self) -> None:
        view = self.store.conversations.get(self.active_id) if self.active_id is not None else None
        if view is not None:
            joined = {j.id for j in view.joined}
            staff = {p.id: p.name for p in [*view.watchers, *view.joined]}
            watching = ", ".join(f"{name} {'joined' if sid in joined else 'watching'}"
                                 for sid, name in staff.items())
            title = Content.assemble(   # the watchers first: the column is narrow
                ("◉ " + watching + " · ", "bold $warning") if watching else "",
                "Reply to ", (visitor_label(view.visitor), "bold"))
            set_border_text(self.query_one(Composer), title=title)

    def show_nothing(self) -> None:
        composer = self.query_one(Composer)
        composer.set_draft("")
        set_border_text(composer, title="No chat open")
        self.sync_sidebar()
        self.sync_typing_line()
        self.sync_tab_labels()
        self.refresh_bindings()

    def on_conversation_tabs_tab_selected(self, event: ConversationTabs.TabSelected) -> None:
        self.switch_to(event.conversation_id)

    # --- every second ----------------------------------------------------------------------------
    def _tick(self) -> None:
        self.query_one(QueuePanel).refresh()
        self.sync_queue()
        self.sync_tab_labels()
        self.query_one(JourneySidebar).refresh_journey()
        self.realert_queue()
