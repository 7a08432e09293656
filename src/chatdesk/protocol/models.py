"""Wire models shared by the server and the client. Pydantic only: no I/O, no Textual.

Timestamps are Unix seconds (float, UTC). Ids are integers except the visitor id, which is a
random string the widget keeps in a cookie.

Request bodies are in requests.py; the board, reviews and reports in staff.py.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["operator", "supervisor", "trainer", "admin"]
OperatorStatus = Literal["online", "away", "on_phone", "offline"]
ConversationState = Literal["queued", "active", "closed", "missed"]
MessageKind = Literal["text", "note", "system", "whisper", "handoff"]
# "handoff": the server's staff-only record of a transfer, reassign or take-over (author_type
# "system", author_id/author_name = who did it); never sent to the visitor.
AuthorType = Literal["visitor", "operator", "system"]
STAFF_ROLES: frozenset[str] = frozenset({"supervisor", "trainer", "admin"})  # see every conversation


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)


class Operator(Wire):
    id: int
    email: str
    name: str
    role: Role
    status: OperatorStatus = "offline"
    max_chats: int = 4
    active_chats: int = 0
    departments: list[str] = Field(default_factory=list)
    novice: bool = False
    approval_required: bool = False


class PageView(Wire):
    url: str
    title: str = ""
    referrer: str = ""
    ts: float


class VisitorNote(Wire):
    id: int
    body: str
    author_id: int | None = None
    author_name: str = ""
    ts: float


class PastConversation(Wire):
    id: int
    state: ConversationState
    operator_name: str = ""
    summary: str = ""
    tags: list[str] = Field(default_factory=list)
    queued_at: float
    closed_at: float | None = None


class Visitor(Wire):
    id: str
    name: str = ""
    email: str = ""
    phone: str = ""
    first_seen: float
    last_seen: float
    visit_count: int = 1
    returning: bool = False
    current_url: str = ""
    current_title: str = ""
    referrer: str = ""
    time_on_site: float = 0.0          # seconds in the current visit
    last_operator_id: int | None = None
    online: bool = True


class VisitorDetail(Visitor):
    pageviews: list[PageView] = Field(default_factory=list)       # current visit first to last
    past_conversations: list[PastConversation] = Field(default_factory=list)
    notes: list[VisitorNote] = Field(default_factory=list)


class Message(Wire):
    id: int
    conversation_id: int
    seq: int                            # the conversation seq of the event that created it
    client_msg_id: str | None = None
    author_type: AuthorType
    author_id: int | None = None        # operator id; None for visitor and system (a handoff: who did it)
    author_name: str = ""
    kind: MessageKind = "text"
    body: str
    ts: float


class Conversation(Wire):
    id: int
    visitor_id: str
    state: ConversationState
    department: str | None = None
    operator_id: int | None = None
    operator_name: str = ""
    tags: list[str] = Field(default_factory=list)
    summary: str = ""
    queued_at: float
    accepted_at: float | None = None
    first_response_at: float | None = None
    closed_at: float | None = None
    last_seq: int = 0
    auto_assigned: bool = False
    follow_up: str | None = None        # hand-off note stored on close (e.g. for sales)
    rating: int | None = None           # the visitor's 1-5 rating, once given


class QueueEntry(Wire):
    conversation: Conversation
    visitor: Visitor
    wait_seconds: float
    first_message: str = ""


class QueuePage(Wire):
    """GET /queue: the oldest waiting chats, at most `limit` of them; `total` counts all that
    wait (None from a server that always sent the whole queue)."""
    queue: list[QueueEntry] = Field(default_factory=list)
    total: int | None = None


class ConversationDetail(Wire):
    conversation: Conversation
    visitor: Visitor
    messages: list[Message] = Field(default_factory=list)
    events: list["Event"] = Field(default_factory=list)
    watchers: list["OperatorRef"] = Field(default_factory=list)   # staff monitoring it now
    joined: list["OperatorRef"] = Field(default_factory=list)     # staff who joined (write to the visitor)
    approvals: list["Approval"] = Field(default_factory=list)     # novice messages held for a trainer
    has_older: bool = False             # messages older than the first one here exist (paged read)


class MessagePage(Wire):
    """Older messages of a conversation, for a transcript scrolled to its top."""
    messages: list[Message] = Field(default_factory=list)
    has_older: bool = False


class CannedReply(Wire):
    id: int
    shortcut: str
    title: str
    body: str
    tags: list[str] = Field(default_factory=list)
    owner_id: int | None = None         # None: shared with everyone


class Event(Wire):
    """A durable event as it travels on the stream and in REST answers."""
    type: str
    event_id: int
    conversation_id: int | None = None
    seq: int | None = None
    ts: float
    data: dict[str, Any] = Field(default_factory=dict)
    client_msg_id: str | None = None    # set on message.created (same as data.client_msg_id)


ApprovalState = Literal["pending", "approved", "rejected"]


class OperatorRef(Wire):
    id: int
    name: str


class Approval(Wire):
    """A novice's text message held until a trainer approves (maybe edited) or rejects it."""
    id: int
    conversation_id: int
    author_id: int
    author_name: str = ""
    client_msg_id: str
    body: str                           # as the novice wrote it
    state: ApprovalState = "pending"
    created_at: float
    resolved_at: float | None = None
    resolver_id: int | None = None
    resolver_name: str = ""
    final_body: str | None = None       # what the visitor got (edited or not); None unless approved
    message_id: int | None = None       # the real message, once approved
    note: str = ""                      # the trainer's reason or coaching remark


ConversationDetail.model_rebuild()


class OpenChat(Wire):
    detail: ConversationDetail
    visitor: VisitorDetail


class DeskSnapshot(Wire):
    """GET /desk: what a desk needs to start, read in one transaction. `event_id`: the newest
    event the snapshot includes, so a stream that resumes after it misses nothing."""
    event_id: int = 0
    me: Operator
    queue: list[QueueEntry] = Field(default_factory=list)    # the oldest QUEUE_PAGE waiting
    queue_total: int | None = None      # all that wait (None: `queue` is all of them)
    open: list[OpenChat] = Field(default_factory=list)      # my active chats, newest page each
    operators: list[Operator] = Field(default_factory=list)
    canned: list[CannedReply] = Field(default_factory=list)

