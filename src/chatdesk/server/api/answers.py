"""Answer bodies that wrap protocol models (lists under a key, `{"ok": true}`, what a visitor sees),
so every route declares its response model."""
from __future__ import annotations

from pydantic import Field

from chatdesk.protocol.models import (
    Approval,
    CannedReply,
    Conversation,
    ConversationState,
    Message,
    Operator,
    Wire,
)
from chatdesk.protocol.staff import TranscriptSummary


class Ok(Wire):
    ok: bool = True


class ConversationList(Wire):
    conversations: list[Conversation] = Field(default_factory=list)


class OperatorList(Wire):
    operators: list[Operator] = Field(default_factory=list)


class DepartmentList(Wire):
    departments: list[str] = Field(default_factory=list)


class CannedList(Wire):
    canned: list[CannedReply] = Field(default_factory=list)


class ApprovalList(Wire):
    approvals: list[Approval] = Field(default_factory=list)


class TranscriptList(Wire):
    transcripts: list[TranscriptSummary] = Field(default_factory=list)


class VisitorConversation(Wire):
    """A conversation as its visitor sees it: no tags, summary, follow-up, department or routing."""
    id: int
    visitor_id: str
    state: ConversationState
    operator_id: int | None = None
    operator_name: str = ""
    queued_at: float
    accepted_at: float | None = None
    first_response_at: float | None = None
    closed_at: float | None = None
    last_seq: int = 0
    rating: int | None = None


class VisitorChatStarted(Wire):
    conversation: VisitorConversation
    message: Message


class VisitorChat(Wire):
    conversation: VisitorConversation
    messages: list[Message] = Field(default_factory=list)
