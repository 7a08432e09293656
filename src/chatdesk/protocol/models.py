"""Wire models shared by the server and the client. Pydantic only: no I/O, no Textual.

Timestamps are Unix seconds (float, UTC). Ids are integers except the visitor id, which is a
random string the widget keeps in a cookie.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["operator", "supervisor", "trainer", "admin"]
OperatorStatus = Literal["online", "away", "on_phone", "offline"]
ConversationState = Literal["queued", "active", "closed", "missed"]
MessageKind = Literal["text", "note", "system", "whisper"]
AuthorType = Literal["visitor", "operator", "system"]

STAFF_ROLES: frozenset[str] = frozenset({"supervisor", "trainer", "admin"})  # see every conversation

# Field limits, enforced by the server (422/413 with a sentence) and relied on by the desk.
MAX_BODY = 8_000
MAX_NAME = 120
MAX_URL = 2_048
MAX_TITLE = 300
MAX_NOTE = 4_000
MAX_TAGS = 20
MAX_TAG = 40


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


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
    author_id: int | None = None        # operator id; None for visitor and system
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


class ConversationDetail(Wire):
    conversation: Conversation
    visitor: Visitor
    messages: list[Message] = Field(default_factory=list)
    events: list["Event"] = Field(default_factory=list)
    watchers: list["OperatorRef"] = Field(default_factory=list)   # staff monitoring it now
    joined: list["OperatorRef"] = Field(default_factory=list)     # staff who joined (write to the visitor)
    approvals: list["Approval"] = Field(default_factory=list)     # novice messages held for a trainer


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


# --- request bodies ------------------------------------------------------------------------------

class LoginRequest(Wire):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)


class LoginResponse(Wire):
    token: str
    operator: Operator


class StatusRequest(Wire):
    status: OperatorStatus


class SendMessageRequest(Wire):
    client_msg_id: str = Field(min_length=1, max_length=64)
    body: str = Field(min_length=1, max_length=MAX_BODY)
    kind: Literal["text", "note", "whisper"] = "text"


class TransferRequest(Wire):
    operator_id: int | None = None
    department: str | None = Field(default=None, max_length=MAX_NAME)
    note: str = Field(default="", max_length=MAX_NOTE)


class CloseRequest(Wire):
    summary: str = Field(default="", max_length=MAX_NOTE)
    tags: list[str] = Field(default_factory=list, max_length=MAX_TAGS)
    follow_up: str | None = Field(default=None, max_length=MAX_NOTE)   # hand-off to sales


class VisitorNoteRequest(Wire):
    body: str = Field(min_length=1, max_length=MAX_NOTE)


class VisitorUpdateRequest(Wire):
    name: str | None = Field(default=None, max_length=MAX_NAME)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)


class OperatorPatchRequest(Wire):
    max_chats: int | None = Field(default=None, ge=0, le=50)
    novice: bool | None = None
    approval_required: bool | None = None


class CannedCreateRequest(Wire):
    shortcut: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    body: str = Field(min_length=1, max_length=MAX_BODY)
    tags: list[str] = Field(default_factory=list, max_length=MAX_TAGS)
    shared: bool = True


class VisitorSessionRequest(Wire):
    visitor_id: str | None = Field(default=None, max_length=64)
    url: str = Field(default="", max_length=MAX_URL)
    title: str = Field(default="", max_length=MAX_TITLE)
    referrer: str = Field(default="", max_length=MAX_URL)


class VisitorSessionResponse(Wire):
    visitor_id: str
    visitor_token: str
    returning: bool
    visit_count: int = 1
    name: str = ""
    conversation_id: int | None = None   # an open conversation to resume, if any


class PageViewRequest(Wire):
    url: str = Field(max_length=MAX_URL)
    title: str = Field(default="", max_length=MAX_TITLE)
    referrer: str = Field(default="", max_length=MAX_URL)


class VisitorStartRequest(Wire):
    client_msg_id: str = Field(min_length=1, max_length=64)
    body: str = Field(min_length=1, max_length=MAX_BODY)
    name: str | None = Field(default=None, max_length=MAX_NAME)
    department: str | None = Field(default=None, max_length=MAX_NAME)


class VisitorMessageRequest(Wire):
    client_msg_id: str = Field(min_length=1, max_length=64)
    body: str = Field(min_length=1, max_length=MAX_BODY)


class ErrorBody(Wire):
    error: str
    message: str


# --- supervisors and trainers (issue 4) ----------------------------------------------------------

ApprovalState = Literal["pending", "approved", "rejected"]
ReviewMark = Literal["best", "worst"]


class OperatorRef(Wire):
    id: int
    name: str


class StaffPresence(Wire):
    """Who is watching (monitor) and who joined a conversation; answer of watch/unwatch/join."""
    conversation_id: int
    watchers: list[OperatorRef] = Field(default_factory=list)
    joined: list[OperatorRef] = Field(default_factory=list)


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


class ApprovalAction(Wire):
    action: Literal["approve", "reject"]
    body: str | None = Field(default=None, min_length=1, max_length=MAX_BODY)   # edited text
    note: str = Field(default="", max_length=MAX_NOTE)


class ApprovalAnswer(Wire):
    """202 answer of POST /conversations/{id}/messages when the author needs approval."""
    approval: Approval


class ReassignRequest(Wire):
    operator_id: int = Field(ge=1, le=2 ** 62)
    note: str = Field(default="", max_length=MAX_NOTE)


class BoardWait(Wire):
    conversation_id: int
    visitor_name: str = ""
    waiting_since: float                # the visitor's oldest unanswered message


class BoardOperator(Wire):
    id: int
    name: str
    role: Role
    status: OperatorStatus
    active_chats: int = 0
    max_chats: int = 4
    novice: bool = False
    approval_required: bool = False
    first_response_median: float | None = None   # seconds, chats first answered today
    first_responses: int = 0
    longest_wait: BoardWait | None = None
    pending_approvals: int = 0


class Board(Wire):
    generated_at: float
    since: float                        # start of "today" (server's local midnight) or ?since=
    operators: list[BoardOperator] = Field(default_factory=list)
    queue: list[QueueEntry] = Field(default_factory=list)
    missed_today: int = 0
    missed: list[Conversation] = Field(default_factory=list)    # newest first, at most 100
    pending_approvals: int = 0


class Review(Wire):
    id: int
    conversation_id: int
    reviewer_id: int | None = None
    reviewer_name: str = ""
    mark: ReviewMark | None = None
    note: str = ""
    ts: float


class ReviewRequest(Wire):
    mark: ReviewMark | None = None
    note: str = Field(default="", max_length=MAX_NOTE)


class RatingRequest(Wire):
    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=MAX_NOTE)


class TranscriptSummary(Wire):
    conversation: Conversation
    visitor_name: str = ""
    message_count: int = 0
    marks: list[ReviewMark] = Field(default_factory=list)
    snippet: str = ""                   # the first matching message when searching


class TranscriptDetail(Wire):
    conversation: Conversation
    visitor: Visitor
    journey: list[PageView] = Field(default_factory=list)   # the visit the chat happened in
    messages: list[Message] = Field(default_factory=list)   # every kind, seq order
    reviews: list[Review] = Field(default_factory=list)
    rating_comment: str = ""


class ReportFigures(Wire):
    chats: int = 0
    answered: int = 0
    missed: int = 0
    first_response_median: float | None = None   # seconds from queued to first operator reply
    first_response_p90: float | None = None
    handle_median: float | None = None           # seconds from accepted to closed
    handle_p90: float | None = None
    rating_average: float | None = None
    ratings: int = 0


class OperatorReport(ReportFigures):
    operator_id: int
    name: str = ""


class HourReport(ReportFigures):
    hour: int                           # 0-23, server local time of queued_at


class ReportSummary(Wire):
    since: float
    until: float
    totals: ReportFigures
    by_operator: list[OperatorReport] = Field(default_factory=list)
    by_hour: list[HourReport] = Field(default_factory=list)     # always 24 rows


ConversationDetail.model_rebuild()
