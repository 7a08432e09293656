"""DeskStore: the state the TUI renders from. Pure: no I/O, no asyncio, no Textual.

It takes REST snapshots and stream events, cleans every untrusted string as it arrives (so what
the TUI reads is already inert), applies each event once (event_id) and in order (per-conversation
seq), asks for a REST reload when it sees a seq gap, and tells subscribers what changed.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import ValidationError

from chatdesk.protocol import events as ev
from chatdesk.protocol.models import (
    Approval,
    CannedReply,
    Conversation,
    ConversationDetail,
    Message,
    MessagePage,
    Operator,
    PageView,
    QueueEntry,
    Visitor,
    VisitorDetail,
    VisitorNote,
)
from chatdesk.protocol.work_items import WorkItem

from .browsing_list import BrowsingList
from .merge import moved_sentence, new_view, transferred_sentence, view_from_detail
from .outgoing import OutgoingMessage
from .oversight import Oversight
from .queue_state import QueueState
from .sanitize import clean_line, clean_value
from .view import Change, ConversationView, placeholder_visitor
from .work_list import WorkList

log = logging.getLogger(__name__)
Subscriber = Callable[[Change], None]
ACTIVE_STATES = ("queued", "active")


class DeskStore:
    def __init__(self) -> None:
        self.me: Operator | None = None
        self.connection: str = "offline"
        self.queue_state = QueueState(self._emit)
        self.queue: dict[int, QueueEntry] = self.queue_state.entries   # the page shown (queue_state)
        self.conversations: dict[int, ConversationView] = {}
        self.operators: dict[int, Operator] = {}
        self.canned: list[CannedReply] = []
        self.last_event_id: int = 0
        self.on_reload_needed: Callable[[int], None] | None = None   # set by the session
        self.on_echo: Callable[[Message], None] | None = None        # outbox acknowledgement
        self.on_applied: Callable[[str, dict[str, Any]], None] | None = None   # after each durable event
        self._seq: dict[int, int] = {}          # last seq of conversations shown only in the queue
        self._pending: dict[str, OutgoingMessage] = {}
        self._subscribers: list[Subscriber] = []
        self._held: list[dict[str, Any]] | None = None
        self.oversight = Oversight(self._emit, self._merge_detail, self.view, self._untrack)
        self.work = WorkList(self._emit)         # callback requests and offline messages
        self.browsing = BrowsingList(self._emit)  # visitors on the site (ephemeral frames)

    # --- subscribers ---------------------------------------------------------------------------
    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def _emit(self, change: Change) -> None:
        for cb in list(self._subscribers):
            try:
                cb(change)
            except Exception:  # a broken widget must not stop the stream
                log.exception("store subscriber failed on %s", change)

    # --- reading -------------------------------------------------------------------------------
    def view(self, conversation_id: int) -> ConversationView | None:
        """My conversation or one I monitor."""
        return self.conversations.get(conversation_id) or self.oversight.monitored.get(conversation_id)

    def all_views(self) -> list[ConversationView]:
        """My conversations, then the ones I monitor."""
        return [*self.conversations.values(), *self.oversight.monitored.values()]

    def queue_sorted(self) -> list[QueueEntry]:
        return self.queue_state.sorted()

    def mark_read(self, conversation_id: int) -> None:
        view = self.conversations.get(conversation_id)
        if view and view.unread:
            view.unread = 0
            self._emit(Change("conversation", conversation_id, "updated"))

    def forget(self, conversation_id: int) -> None:
        """The TUI closed the tab of a conversation that is closed or no longer ours."""
        if self.conversations.pop(conversation_id, None) is not None:
            self._emit(Change("conversation", conversation_id, "removed"))

    def set_connection(self, state: str) -> None:
        if state != self.connection:
            self.connection = state
            self._emit(Change("connection", None, state))

    def notice(self, text: str, conversation_id: int | None = None) -> None:
        self._emit(Change("notice", conversation_id, "", text))

    # --- snapshots (REST) ----------------------------------------------------------------------
    def set_me(self, me: Operator) -> None:
        self.me = clean_value(me)
        self.operators[self.me.id] = self.me
        self._emit(Change("me", self.me.id))

    def set_operators(self, operators: Iterable[Operator]) -> None:
        self.operators = {o.id: o for o in (clean_value(o) for o in operators)}
        if self.me and self.me.id in self.operators:
            self.me = self.operators[self.me.id]
        self._emit(Change("operator", None))

    def set_canned(self, canned: Iterable[CannedReply]) -> None:
        self.canned = [clean_value(c) for c in canned]
        self._emit(Change("canned", None))

    def set_queue(self, entries: Iterable[QueueEntry], total: int | None = None) -> None:
        """The oldest page of the queue; `total` counts all that wait (None: this is all)."""
        self.queue_state.replace(entries, total)
        self._seq = {cid: e.conversation.last_seq for cid, e in self.queue.items()}

    def set_conversations(self, details: Iterable[tuple[ConversationDetail, VisitorDetail | None]],
                          moved_away: Iterable[int] = ()) -> None:
        """A full snapshot of my open conversations (plus, after a long absence, the current state
        of ones I held that closed meanwhile). Drafts and unread counts are kept; tabs the operator
        has not dismissed yet (closed, transferred) stay. `moved_away`: ones I held that I may no
        longer read (transferred to someone else while the desk was away)."""
        old = self.conversations
        was_open = [cid for cid, view in old.items() if self._is_mine_and_open(view.conversation)]
        self.conversations = {}
        for detail, visitor in details:
            merged = self._merge_detail(detail, visitor, old.get(detail.conversation.id))
            self.conversations[merged.id] = merged
        for cid in moved_away:
            view = old.get(cid)
            if view is not None and cid not in self.conversations:
                # holder unknown to us now; what matters is that it is no longer mine
                view.conversation = view.conversation.model_copy(update={"operator_id": None, "operator_name": ""})
        for cid, view in old.items():
            if cid not in self.conversations and not self._is_mine_and_open(view.conversation):
                self.conversations[cid] = view
        self._emit(Change("conversation", None, "updated"))
        for cid in was_open:           # say which ones ended while we were away, as the events would
            view = self.conversations.get(cid)
            if view is None:
                self._emit(Change("conversation", cid, "removed"))
            elif not self._is_mine_and_open(view.conversation):
                state = view.conversation.state
                self._emit(Change("conversation", cid, "closed" if state in ("closed", "missed") else "left"))

    def holds_open(self, conversation_id: int) -> bool:
        """True if the store shows this conversation as mine and open."""
        view = self.conversations.get(conversation_id)
        return view is not None and self._is_mine_and_open(view.conversation)

    def load_conversation(self, detail: ConversationDetail, visitor: VisitorDetail | None) -> ConversationView | None:
        """Merge one conversation reloaded over REST (after accept, a transfer or a seq gap).
        A conversation we do not hold yet is only taken in if it is ours and open."""
        cid = detail.conversation.id
        existed = cid in self.conversations
        if not existed and not self._is_mine_and_open(detail.conversation):
            return None
        if cid in self.oversight.monitored:            # taken over: no longer a monitored view
            self.oversight.drop_monitored(cid)
        view = self._merge_detail(detail, visitor, self.conversations.get(cid))
        self.conversations[cid] = view
        self.queue.pop(cid, None)
        self._seq.pop(cid, None)
        self._emit(Change("conversation", cid, "updated" if existed else "added"))
        self._emit(Change("messages", cid, "reload"))
        return view

    def _merge_detail(self, detail: ConversationDetail, visitor: VisitorDetail | None,
                      old: ConversationView | None) -> ConversationView:
        detail = clean_value(detail)
        view = view_from_detail(detail, clean_value(visitor) if visitor is not None else None, old,
                                self._pending.values())
        for a in detail.approvals:
            self.oversight.approvals[a.id] = a
        if self.on_echo is not None:       # a reload may be the first we hear of our own message
            for m in detail.messages:
                if m.client_msg_id and m.author_type == "operator":
                    self.on_echo(m)
        return view

    def _untrack(self, conversation_id: int) -> None:
        """Its seq is kept by a view from now on, not by the queue's record."""
        self._seq.pop(conversation_id, None)

    def add_older(self, conversation_id: int, page: MessagePage) -> None:
        """Older messages fetched for a transcript scrolled to its top."""
        view = self.view(conversation_id)
        if view is not None:
            view.replace_messages(clean_value(page.messages))
            view.has_older = page.has_older
            self._emit(Change("messages", conversation_id, "older"))

    def _is_mine_and_open(self, conv: Conversation) -> bool:
        return conv.state == "active" and self.me is not None and conv.operator_id == self.me.id

    # --- held events (while a snapshot loads) --------------------------------------------------
    def hold(self) -> None:
        """Queue events instead of applying them until `release()` (a snapshot is being loaded)."""
        if self._held is None:
            self._held = []

    def release(self, discard: bool = False) -> None:
        """Apply what was held; `discard` drops it (the snapshot failed: the stream resumes from
        the old last_event_id and gets those events again)."""
        held, self._held = self._held or [], None
        for event in [] if discard else held:
            self.apply(event)

    # --- outbox --------------------------------------------------------------------------------
    def outgoing_changed(self, item: OutgoingMessage) -> None:
        """The outbox added, retried, failed or acknowledged a message."""
        view = self.view(item.conversation_id)
        if item.state in ("sent", "discarded"):
            self._pending.pop(item.client_msg_id, None)
            if view and view.drop_pending(item.client_msg_id):
                self._emit(Change("messages", view.id, "pending"))
            return
        self._pending[item.client_msg_id] = item
        if view is not None:
            if all(p.client_msg_id != item.client_msg_id for p in view.pending):
                view.pending.append(item)
            self._emit(Change("messages", view.id, "pending"))

    def add_sent_message(self, msg: Message) -> None:
        """The server's answer to our POST: shown at once, even before the stream echoes it. It does
        not advance last_seq, so an older event still on its way is not mistaken for a duplicate."""
        view = self.view(msg.conversation_id)
        if view is not None and view.add_message(clean_value(msg)):
            self._emit(Change("messages", view.id, msg.author_type))

    # --- stream events -------------------------------------------------------------------------
    def apply(self, event: dict[str, Any]) -> None:
        """Never raises: a malformed event is logged and skipped (its event_id still counts)."""
        if not isinstance(event, dict):
            return
        if self._held is not None:
            self._held.append(event)
            return
        kind = event.get("type")
        if kind == ev.TYPING:
            self._apply_typing(event)
            return
        if kind == ev.BROWSING:
            self.browsing.apply_frame(event)
            return
        event_id = event.get("event_id")
        if not isinstance(kind, str) or type(event_id) is not int or event_id <= self.last_event_id:
            return
        self.last_event_id = event_id
        try:
            self._apply_durable(kind, event)
        except (ValidationError, KeyError, TypeError, ValueError, AttributeError):
            log.warning("ignored malformed %s event %s", clean_line(kind, 60), event_id, exc_info=True)

    def _apply_durable(self, kind: str, event: dict[str, Any]) -> None:
        cid, seq = event.get("conversation_id"), event.get("seq")
        data = clean_value(event.get("data") or {})
        if not isinstance(data, dict):
            raise TypeError("event data is not an object")
        if type(cid) is int and type(seq) is int and not self._advance_seq(cid, seq):
            return
        if kind == ev.MESSAGE_CREATED:
            self._apply_message(Message.model_validate(data))
        elif kind.startswith("conversation."):
            self._apply_conversation(kind, data)
        elif kind == ev.VISITOR_PAGEVIEW:
            self._apply_visitor(Visitor.model_validate(data["visitor"]),
                                pageview=PageView.model_validate(data["pageview"]))
        elif kind == ev.VISITOR_UPDATED:
            self._apply_visitor(Visitor.model_validate(data["visitor"]))
        elif kind == ev.VISITOR_NOTE:
            self._apply_visitor_note(str(data["visitor_id"]), VisitorNote.model_validate(data["note"]))
        elif kind in (ev.OPERATOR_STATUS, ev.OPERATOR_UPDATED):
            self._set_operator(Operator.model_validate(data["operator"]))
        elif kind in (ev.APPROVAL_REQUESTED, ev.APPROVAL_RESOLVED):
            self.oversight.add_approval(Approval.model_validate(data["approval"]))
        elif kind in (ev.REQUEST_CREATED, ev.REQUEST_UPDATED):
            self.work.apply(WorkItem.model_validate(data["request"]))
        if self.on_applied is not None:
            self.on_applied(kind, event)

    def _advance_seq(self, cid: int, seq: int) -> bool:
        """False for a seq already applied; a jump marks a held conversation for a REST reload."""
        view = self.view(cid)
        last = view.last_seq if view is not None else self._seq.get(cid)
        if last is not None and seq <= last:
            return False
        if view is not None:
            previous, view.last_seq = view.last_seq, seq
            if seq > previous + 1 and not view.needs_reload:
                self._request_reload(view)
        else:
            self._seq[cid] = seq
        return True

    def _request_reload(self, view: ConversationView) -> None:
        view.needs_reload = True
        if self.on_reload_needed is not None:
            self.on_reload_needed(view.id)

    def _apply_message(self, msg: Message) -> None:
        cid = msg.conversation_id
        if msg.client_msg_id and self.on_echo is not None:
            self.on_echo(msg)
        if msg.client_msg_id:
            self._pending.pop(msg.client_msg_id, None)
        view = self.view(cid)
        if view is None:
            if msg.author_type == "visitor":
                self.queue_state.first_message(cid, msg.body)
            return
        if view.receive(msg):
            self._emit(Change("messages", cid, msg.author_type))

    def _apply_conversation(self, kind: str, data: dict[str, Any]) -> None:
        conv = Conversation.model_validate(data["conversation"])
        visitor = Visitor.model_validate(data["visitor"]) if data.get("visitor") else None
        cid = conv.id
        self.queue_state.conversation_changed(kind, conv, visitor)
        if self.oversight.conversation_changed(conv, visitor, data, mine=self._is_mine_and_open(conv)):
            return
        view = self.conversations.get(cid)
        if view is None:
            if self._is_mine_and_open(conv):
                self._adopt(conv, visitor, data)
            elif conv.state != "queued":
                self._seq.pop(cid, None)      # out of sight now: stop tracking it
            return
        was_mine = self._is_mine_and_open(view.conversation)
        if view.update_conversation(conv, visitor, data):
            self._emit(Change("watchers", view.id))
        if conv.state in ("closed", "missed"):
            detail = "closed"
        elif was_mine and not self._is_mine_and_open(conv):
            detail = "left"
            moved = moved_sentence(conv, data)
            if moved is not None:
                self.notice(moved, conv.id)
        else:
            detail = "updated"
        self._emit(Change("conversation", cid, detail))

    def _apply_typing(self, frame: dict[str, Any]) -> None:
        cid = frame.get("conversation_id")
        view = self.view(cid) if type(cid) is int else None
        if view is None or frame.get("actor") != "visitor":
            return
        text = frame.get("text")
        view.visitor_typed(bool(frame.get("is_typing")), clean_line(text, 500) if isinstance(text, str) else None)
        self._emit(Change("typing", view.id))

    def _adopt(self, conv: Conversation, visitor: Visitor | None, data: dict[str, Any]) -> None:
        """A conversation became mine (accepted, routed or transferred): hold it and reload it."""
        seq = self._seq.pop(conv.id, 0)
        view = new_view(conv, visitor or placeholder_visitor(conv), max(seq, 0), self._pending.values())
        self.conversations[conv.id] = view
        self._emit(Change("conversation", conv.id, "added"))
        transferred = transferred_sentence(data, self.operators)
        if transferred is not None:
            self.notice(transferred, conv.id)
        self._request_reload(view)

    def _apply_visitor(self, visitor: Visitor, pageview: PageView | None = None) -> None:
        self.queue_state.visitor_changed(visitor)
        for view in self.all_views():
            if view.visitor.id == visitor.id:
                view.merge_visitor(visitor, pageview)
                self._emit(Change("visitor", view.id))

    def _apply_visitor_note(self, visitor_id: str, note: VisitorNote) -> None:
        for view in self.all_views():
            if view.add_note(visitor_id, note):
                self._emit(Change("visitor", view.id))

    def apply_operator(self, op: Operator) -> None:
        """An operator's new state from a REST answer (a change of their limits)."""
        self._set_operator(clean_value(op))

    def _set_operator(self, op: Operator) -> None:
        self.operators[op.id] = op
        self._emit(Change("operator", op.id))
        if self.me is not None and op.id == self.me.id:
            self.me = op
            self._emit(Change("me", op.id))
