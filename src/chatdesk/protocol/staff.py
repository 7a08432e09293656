"""Wire models of the supervisor and trainer side: the board, reviews, transcripts, reports."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .models import (
    Approval,
    Conversation,
    Message,
    OperatorRef,
    OperatorStatus,
    PageView,
    QueueEntry,
    Role,
    Visitor,
    Wire,
)
from .work_items import WorkItem

ReviewMark = Literal["best", "worst"]


class StaffPresence(Wire):
    """Who is watching (monitor) and who joined a conversation; answer of watch/unwatch/join."""
    conversation_id: int
    watchers: list[OperatorRef] = Field(default_factory=list)
    joined: list[OperatorRef] = Field(default_factory=list)


class ApprovalAnswer(Wire):
    """202 answer of POST /conversations/{id}/messages when the author needs approval."""
    approval: Approval


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


class LiveChat(Conversation):
    """An active chat on the board, with its visitor's name (so the board needs no call per chat)."""
    visitor_name: str = ""


class MissedChat(Conversation):
    """A chat nobody took before the visitor left, with what the board needs to follow it up."""
    visitor_name: str = ""
    first_message: str = ""             # the first thing the visitor wrote
    page_url: str = ""                  # the visitor's page, then or (back on the site) now
    page_title: str = ""
    visitor_online: bool = False        # on the site now: their widget holds a stream open
    visitor_last_seen: float | None = None


class Board(Wire):
    generated_at: float
    since: float                        # start of "today" (server's local midnight) or ?since=
    operators: list[BoardOperator] = Field(default_factory=list)
    queue: list[QueueEntry] = Field(default_factory=list)
    live: list[LiveChat] = Field(default_factory=list)          # every active chat, oldest first
    missed_today: int = 0
    missed: list[MissedChat] = Field(default_factory=list)      # newest first, at most 100
    pending_approvals: int = 0
    requests_open: int = 0              # work items not done yet (open or claimed)
    requests_overdue: int = 0           # ... of them past their due time
    overdue_requests: list[WorkItem] = Field(default_factory=list)   # the most overdue first, at most 50


class Review(Wire):
    id: int
    conversation_id: int
    reviewer_id: int | None = None
    reviewer_name: str = ""
    mark: ReviewMark | None = None
    note: str = ""
    ts: float


class TranscriptSummary(Wire):
    conversation: Conversation
    visitor_name: str = ""
    message_count: int = 0
    marks: list[ReviewMark] = Field(default_factory=list)
    snippet: str = ""                   # the first matching message when searching
    orders: int = 0                     # orders attributed to this chat (services/orders.py)
    revenue: float = 0.0                # their value, in `currency` (the first order's)
    currency: str = ""


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


class SoldFigures(ReportFigures):
    # Orders credited to these chats (last touch, within the attribution window).
    converted: int = 0                  # chats with an order
    orders: int = 0
    revenue: float = 0.0
    conversion: float | None = None     # converted / chats; None without chats


class OperatorReport(SoldFigures):
    operator_id: int
    name: str = ""


class HourReport(SoldFigures):
    hour: int                           # 0-23, server local time of queued_at; orders count for their chat's hour


class ReportSummary(Wire):
    since: float
    until: float
    totals: ReportFigures
    by_operator: list[OperatorReport] = Field(default_factory=list)
    by_hour: list[HourReport] = Field(default_factory=list)     # always 24 rows
