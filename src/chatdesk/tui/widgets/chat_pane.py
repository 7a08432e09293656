"""The chat column: a tab per open chat of mine, the transcript of the chat on screen, who is
typing, and the reply composer. Each chat keeps its own draft (in its view in the store) and its
own scroll position (its Transcript widget).

Attributes down: the desk calls the `sync_*` methods with what changed in the store. Messages up:
`Switched` when another chat (or none) is on screen. What the operator writes goes out through
the session, in a worker (`call_api`).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from chatdesk.protocol.limits import MAX_BODY
from chatdesk.tui.api_worker import call_api
from chatdesk.tui.format import AGING_AFTER, fit, set_border_text, update_if_changed, visitor_label
from chatdesk.tui.widgets.composer import Composer
from chatdesk.tui.widgets.conversation_tabs import ConversationTabs, TabInfo
from chatdesk.tui.widgets.transcript import Transcript

if TYPE_CHECKING:
    from chatdesk.client.outgoing import OutgoingMessage
    from chatdesk.client.session import DeskSession
    from chatdesk.client.store import DeskStore
    from chatdesk.client.view import Change, ConversationView


class ChatPane(Vertical):
    class Switched(Message):
        """Another chat is on screen (`conversation_id` None: no chat is open)."""

        def __init__(self, conversation_id: int | None) -> None:
            super().__init__()
            self.conversation_id = conversation_id

    def __init__(self, session: DeskSession, clock: Callable[[], float], *, split_len: int = 160,
                 checking_text: str = "One moment, I am checking that for you.", id: str | None = None) -> None:
        """`split_len`: the longest part of a reply sent in parts; `checking_text`: the
        "one moment" line (ctrl+g)."""
        super().__init__(id=id)
        self.session = session
        self.clock = clock
        self.split_len = split_len
        self.checking_text = checking_text
        self.tab_order: list[int] = []
        self.active_id: int | None = None
        self.transcripts: dict[int, Transcript] = {}
        self._show_on_arrival: int | None = None
        # Held, not queried: the desk may flush a batch while the screen is taken down.
        self.tab_strip = ConversationTabs(id="tabs")
        self.transcript_box = Container(id="transcripts")
        self.typing_line = Static(id="typing-line")
        self.composer = Composer(id="composer")

    @property
    def store(self) -> DeskStore:
        return self.session.store

    def compose(self) -> ComposeResult:
        yield self.tab_strip
        yield self.transcript_box
        yield self.typing_line
        yield self.composer

    def active_view(self) -> ConversationView | None:
        return self.store.conversations.get(self.active_id) if self.active_id is not None else None

    def need_chat(self) -> int | None:
        """The chat on screen; without one, say how to get one."""
        if self.active_id is None:
            self.notify("Open a chat first: accept one from the queue.", severity="warning")
        return self.active_id

    # --- tabs ------------------------------------------------------------------------------------
    def sync_tabs(self, changes: Sequence[Change]) -> None:
        """Add a tab for each open chat of mine, drop the ones that closed or moved away."""
        convs = self.store.conversations
        me = self.store.me
        for c in changes:
            if c.id is not None and c.detail in ("closed", "left", "removed") and c.id in self.tab_order:
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

    def add_tab(self, cid: int) -> None:
        """A tab; its transcript widget is made the first time the tab is shown (mounting one per
        chat at start-up would delay the first full screen)."""
        self.tab_order.append(cid)
        if self._show_on_arrival == cid:
            self._show_on_arrival = None
            self.call_after_refresh(self.switch_to, cid)

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

    def show(self, cid: int) -> None:
        """Show this chat: now if its tab is open, else as soon as it arrives (an accept, a take-over)."""
        if cid in self.tab_order:
            self._show_on_arrival = None
            self.switch_to(cid)
        else:
            self._show_on_arrival = cid

    def step(self, delta: int) -> None:
        """The next (1) or previous (-1) tab, round the strip."""
        if not self.tab_order:
            return
        index = self.tab_order.index(self.active_id) if self.active_id in self.tab_order else 0
        self.switch_to(self.tab_order[(index + delta) % len(self.tab_order)])

    def goto(self, n: int) -> None:
        """The n-th tab (from 1)."""
        if 1 <= n <= len(self.tab_order):
            self.switch_to(self.tab_order[n - 1])

    def switch_to(self, cid: int) -> None:
        if cid not in self.tab_order:
            return
        composer = self.composer
        old = self.active_view()
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
        self.sync_typing_line()
        self.sync_tab_labels()
        self.post_message(self.Switched(cid))

    def show_nothing(self) -> None:
        composer = self.composer
        composer.set_draft("")
        set_border_text(composer, title="No chat open")
        self.sync_typing_line()
        self.sync_tab_labels()
        self.post_message(self.Switched(None))

    def _transcript(self, cid: int) -> Transcript:
        transcript = self.transcripts.get(cid)
        if transcript is None:
            me = self.store.me
            transcript = Transcript(cid, my_id=me.id if me else None, id=f"transcript-{cid}")
            transcript.display = False
            self.transcripts[cid] = transcript
            self.transcript_box.mount(transcript)
            self.sync_transcript(cid)
        return transcript

    def on_conversation_tabs_tab_selected(self, event: ConversationTabs.TabSelected) -> None:
        event.stop()
        self.switch_to(event.conversation_id)

    # --- what the store changed ------------------------------------------------------------------
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
        strip = self.tab_strip
        strip.set_tabs(tabs)
        strip.active = self.active_id

    def sync_typing_line(self) -> None:
        line = self.typing_line
        view = self.active_view()
        transcript = self.transcripts.get(self.active_id) if self.active_id is not None else None
        bits: list[tuple[str, str]] = []
        if transcript is not None and transcript.unseen:
            bits.append((f"↓ {transcript.unseen} new below (PgDn) ", "bold $warning"))
        if view is not None and (view.visitor_typing or view.sneak_peek):
            bits.append((f" {visitor_label(view.visitor)} is typing…", "italic $text-muted"))
            if view.sneak_peek:
                room = max(10, self.screen.size.width - 50)
                bits += [("  “", "$text-muted"), (fit(view.sneak_peek, room), "italic"), ("”", "$text-muted")]
        update_if_changed(line, Content.assemble(*bits) if bits else "", layout=False)   # height 1

    def sync_composer_title(self) -> None:
        view = self.active_view()
        if view is not None:
            joined = {j.id for j in view.joined}
            staff = {p.id: p.name for p in [*view.watchers, *view.joined]}
            watching = ", ".join(f"{name} {'joined' if sid in joined else 'watching'}"
                                 for sid, name in staff.items())
            title = Content.assemble(   # the watchers first: the column is narrow
                ("◉ " + watching + " · ", "bold $warning") if watching else "",
                "Reply to ", (visitor_label(view.visitor), "bold"))
            set_border_text(self.composer, title=title)

    def sync_composer_notice(self) -> None:
        """Under the reply box: replies are kept while reconnecting; approval mode holds them."""
        me = self.store.me
        set_border_text(self.composer, subtitle="Reconnecting… keep typing: replies are kept and sent once"
                        if self.store.connection in ("reconnecting", "offline") else
                        "approval mode: replies wait for a trainer"
                        if me is not None and me.approval_required else "")

    def on_transcript_unseen_changed(self, event: Transcript.UnseenChanged) -> None:
        event.stop()
        if event.conversation_id == self.active_id:
            self.sync_typing_line()

    def on_transcript_older_wanted(self, event: Transcript.OlderWanted) -> None:
        event.stop()
        cid = event.conversation_id
        call_api(self, "Older messages", lambda: self.session.load_older(cid))

    def on_composer_page_requested(self, event: Composer.PageRequested) -> None:
        event.stop()
        transcript = self.transcripts.get(self.active_id) if self.active_id is not None else None
        if transcript is not None:
            if event.direction > 0:
                transcript.scroll_page_down(animate=False)
            else:
                transcript.page_up()

    # --- writing ---------------------------------------------------------------------------------
    def focus_composer(self) -> None:
        self.composer.focus()

    def on_composer_submitted(self, event: Composer.Submitted) -> None:
        event.stop()
        cid = self.need_chat()
        if cid is not None:
            self._send(cid, event.text.strip())

    def _send(self, cid: int, text: str, parts: bool = False) -> None:
        if not parts and len(text) > MAX_BODY:
            self.notify(f"This reply is {len(text):,} characters; one message holds {MAX_BODY:,}. "
                        "Send it in parts (ctrl+r) or shorten it.", severity="warning", markup=False)
            return
        composer = self.composer
        composer.stop_typing()
        composer.set_draft("")
        self.store.conversations[cid].draft = ""
        if parts:
            call_api(self, "Send", lambda: self.session.send_parts(cid, text, max_len=self.split_len))
        else:
            call_api(self, "Send", lambda: self.session.send(cid, text))

    def send_parts(self) -> None:
        """The reply as several messages, split at sentence ends."""
        cid = self.need_chat()
        text = self.composer.text.strip()
        if cid is not None and text:
            self._send(cid, text, parts=True)

    def send_checking(self) -> None:
        cid = self.need_chat()
        if cid is not None:
            call_api(self, "Send", lambda: self.session.send(cid, self.checking_text))

    def _failed(self) -> list[OutgoingMessage]:
        view = self.active_view()
        return [p for p in view.pending if p.state == "failed"] if view is not None else []

    def retry_failed(self) -> None:
        failed = self._failed()
        for item in failed:
            call_api(self, "Retry", partial(self.session.retry, item.client_msg_id))
        self.notify(f"Sending {len(failed)} message(s) again." if failed else "No failed messages here.")

    def discard_failed(self) -> None:
        failed = self._failed()
        for item in failed:
            call_api(self, "Discard", partial(self.session.discard, item.client_msg_id))
        self.notify(f"Dropped {len(failed)} message(s)." if failed else "No failed messages here.")

    def on_composer_typing_changed(self, event: Composer.TypingChanged) -> None:
        event.stop()
        cid = self.active_id
        if cid is not None:
            call_api(self, "Typing", lambda: self.session.typing(cid, event.is_typing), quiet=True)

    def on_composer_canned_requested(self, event: Composer.CannedRequested) -> None:
        event.stop()
        self.open_canned(from_slash=True)

    def open_canned(self, from_slash: bool = False) -> None:
        """The canned-reply picker; the chosen reply goes into the composer."""
        cid = self.need_chat()
        if cid is None:
            return
        from chatdesk.client.canned import rank
        from chatdesk.tui.widgets.canned_picker import CannedPicker
        composer = self.composer

        def inserted(text: str | None) -> None:
            if text:
                composer.insert(text)
            composer.focus()

        def typed_after_slash() -> str:
            # A fast typist's "/back" can reach the reply box before the picker is up: what landed
            # there after the "/" is the start of the search, not a draft.
            typed = composer.text
            composer.set_draft("")
            return typed

        picker = CannedPicker(self.store.canned, rank, lambda reply: self.session.fill_canned(reply, cid),
                              absorb=typed_after_slash if from_slash else None)
        self.app.push_screen(picker, inserted)
