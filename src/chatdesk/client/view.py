"""One open conversation as the desk holds it, and the small rules that keep its transcript right:
seq order, no duplicate, the pending echo replaced by the real message, the visitor's wait."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Literal

from chatdesk.protocol.models import (
    Approval,
    Conversation,
    Message,
    OperatorRef,
    PageView,
    Visitor,
    VisitorDetail,
    VisitorNote,
)

from .outgoing import OutgoingMessage

ChangeKind = Literal["queue", "conversation", "messages", "visitor", "typing", "operator", "me",
                     "connection", "canned", "notice", "monitor", "watchers", "approval", "board", "work",
                     "browsing"]

# How the desk names an approval's state next to the novice's held message.
APPROVAL_LABELS = {"pending": "awaiting approval", "approved": "approved", "rejected": "rejected"}


def approval_label(approval: Approval) -> str:
    return APPROVAL_LABELS.get(approval.state, approval.state)


@dataclass(frozen=True)
class Change:
    """What changed, for the TUI to re-render. `id` is a conversation id for queue / conversation /
    messages / visitor / typing / notice, an operator id for operator / me, None otherwise.
    `detail` says more: queue "added|updated|removed"; conversation "added|updated|closed|left|
    removed"; messages the new message's author_type ("visitor" rings the bell), "pending" or
    "reload"; connection the new state; notice a sentence in `text`.
    Staff and novices: monitor (id = conversation) "added|updated|closed|removed" for
    store.oversight.monitored; watchers (id = conversation) when its watchers or joined staff
    changed; approval (id = approval id, detail = its state) for store.oversight.approvals; board
    (id None) when store.oversight.board was refreshed. browsing (id None): store.browsing
    changed, detail "loaded" (a REST list) or "frame" (a visitors.browsing frame)."""
    kind: ChangeKind
    id: int | None = None
    detail: str = ""
    text: str = ""


@dataclass
class ConversationView:
    conversation: Conversation
    visitor: VisitorDetail | Visitor
    messages: list[Message] = field(default_factory=list)      # seq order, no duplicates
    pending: list[OutgoingMessage] = field(default_factory=list)  # not yet acknowledged, or failed
    unread: int = 0
    visitor_typing: bool = False
    sneak_peek: str = ""
    waiting_since: float | None = None   # oldest visitor message not yet answered by an operator
    draft: str = ""                      # kept by the TUI; survives reconnects and reloads
    last_seq: int = 0                    # newest conversation seq applied
    needs_reload: bool = False           # a seq gap was seen; the session reloads it over REST
    watchers: list[OperatorRef] = field(default_factory=list)   # staff monitoring this chat now
    joined: list[OperatorRef] = field(default_factory=list)     # staff who joined it
    approvals: list[Approval] = field(default_factory=list)     # held novice messages (id order)
    monitored: bool = False              # a staff member's read-only view of someone else's chat
    has_older: bool = False              # the server holds messages older than messages[0]
    _ids: set[int] = field(default_factory=set, repr=False)

    @property
    def id(self) -> int:
        return self.conversation.id

    def merge_visitor(self, visitor: Visitor, pageview: PageView | None = None) -> None:
        """An event's visitor (and page view) over what the view knows: a VisitorDetail keeps its
        notes and history."""
        if isinstance(self.visitor, VisitorDetail):
            update = visitor.model_dump()
            if pageview is not None:
                update["pageviews"] = [*self.visitor.pageviews, pageview]
            self.visitor = self.visitor.model_copy(update=update)
        else:
            self.visitor = visitor

    def update_conversation(self, conv: Conversation, visitor: Visitor | None, data: dict[str, Any]) -> bool:
        """A conversation event's state; True if it carried watchers or joined staff."""
        self.conversation = conv
        if visitor is not None:
            self.merge_visitor(visitor)
        return self.set_presence(data)

    def set_presence(self, data: dict[str, Any]) -> bool:
        """conversation.watchers / conversation.joined carry the full lists; True if one was there."""
        changed = False
        for key in ("watchers", "joined"):
            if isinstance(data.get(key), list):
                setattr(self, key, [OperatorRef.model_validate(w) for w in data[key]])
                changed = True
        return changed

    def set_approval(self, approval: Approval) -> None:
        self.approvals = sorted([a for a in self.approvals if a.id != approval.id] + [approval], key=lambda a: a.id)

    def approval_for(self, client_msg_id: str | None) -> Approval | None:
        """The approval behind a message (or a held one) with this client_msg_id, if any."""
        return next((a for a in self.approvals if client_msg_id and a.client_msg_id == client_msg_id), None)

    def receive(self, msg: Message) -> bool:
        """A message from the stream; False if it is here already. The visitor's counts as unread
        and ends their typing."""
        if not self.add_message(msg):
            return False
        if msg.author_type == "visitor":
            self.unread += 1
            self.visitor_typing, self.sneak_peek = False, ""
        return True

    def visitor_typed(self, is_typing: bool, text: str | None) -> None:
        """A typing frame; `text` (cleaned) is the sneak peek of what the visitor is typing."""
        self.visitor_typing = is_typing
        if text is not None:
            self.sneak_peek = text
        elif not is_typing:
            self.sneak_peek = ""

    def add_note(self, visitor_id: str, note: VisitorNote) -> bool:
        """A note on this view's visitor, once; False if it is another visitor or known already."""
        v = self.visitor
        if v.id != visitor_id or not isinstance(v, VisitorDetail) or any(n.id == note.id for n in v.notes):
            return False
        self.visitor = v.model_copy(update={"notes": [*v.notes, note]})
        return True

    def add_message(self, msg: Message) -> bool:
        """Insert in seq order; False if this message is already here."""
        if msg.id in self._ids:
            return False
        self._ids.add(msg.id)
        if not self.messages or self.messages[-1].seq <= msg.seq:
            self.messages.append(msg)
        else:
            bisect.insort(self.messages, msg, key=lambda m: m.seq)
        self.drop_pending(msg.client_msg_id)
        self.recompute_waiting()
        return True

    def replace_messages(self, msgs: list[Message]) -> None:
        """Merge a REST transcript with what the stream already delivered (union by id)."""
        merged = {m.id: m for m in self.messages}
        merged.update({m.id: m for m in msgs})
        self.messages = sorted(merged.values(), key=lambda m: (m.seq, m.id))
        self._ids = set(merged)
        for m in self.messages:
            self.drop_pending(m.client_msg_id)
        self.recompute_waiting()

    def history_request(self) -> dict[str, int]:
        """What a REST reload of this view asks for so that it covers every message the view shows
        and no hole opens between them: from the first one on when older ones were never loaded."""
        if self.has_older and self.messages:
            return {"after_seq": self.messages[0].seq - 1}
        return {}

    def drop_pending(self, client_msg_id: str | None) -> bool:
        if not client_msg_id:
            return False
        before = len(self.pending)
        self.pending = [p for p in self.pending if p.client_msg_id != client_msg_id]
        return len(self.pending) != before

    def recompute_waiting(self) -> None:
        since = None
        for m in reversed(self.messages):
            if m.author_type == "operator" and m.kind == "text":
                break
            if m.author_type == "visitor":
                since = m.ts
        self.waiting_since = since


def placeholder_visitor(conv: Conversation) -> Visitor:
    """Until the REST reload brings the real one: a visitor known only by id."""
    return Visitor(id=conv.visitor_id, first_seen=conv.queued_at, last_seen=conv.queued_at)
