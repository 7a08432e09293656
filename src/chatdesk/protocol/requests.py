"""Request and answer bodies of the REST API: what a client may send, with its limits."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .limits import MAX_BODY, MAX_ID, MAX_NAME, MAX_NOTE, MAX_TAGS, MAX_TITLE, MAX_URL
from .models import Operator, OperatorStatus, Wire
from .staff import ReviewMark
from .visitor_flows import Availability, Prechat, RatingSettings


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


MAX_EMAIL = 254   # an e-mail contact field, as an operator or the visitor's pre-chat form sets it


class VisitorUpdateRequest(Wire):
    name: str | None = Field(default=None, max_length=MAX_NAME)
    email: str | None = Field(default=None, max_length=MAX_EMAIL)
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
    lang: str = Field(default="", max_length=35)   # the page's <html lang>, e.g. "fi-FI"


WidgetText = str | dict[str, str]   # a plural text is keyed by Intl.PluralRules category


class WidgetBranding(Wire):
    """The shop's look (server/widget_config.py checks it: colours #rrggbb, the logo http(s))."""
    title: str = ""
    primary_colour: str = "#1f6feb"
    text_colour: str = "#ffffff"
    logo_url: str = ""
    position: Literal["right", "left"] = "right"


class VisitorSessionResponse(Wire):
    visitor_id: str
    visitor_token: str
    returning: bool
    visit_count: int = 1
    name: str = ""
    conversation_id: int | None = None   # an open conversation to resume, if any
    lang: str = "en"                     # the language of `texts`
    texts: dict[str, WidgetText] = Field(default_factory=dict)   # every visitor-facing text
    branding: WidgetBranding = Field(default_factory=WidgetBranding)
    prechat: Prechat = Field(default_factory=Prechat)
    rating: RatingSettings = Field(default_factory=RatingSettings)
    availability: Availability = Field(default_factory=Availability)
    last_operator: str = ""     # the last chat's operator, when sticky routing sends the next chat there
    last_event_id: int = 0      # the visitor stream's newest event: a new tab resumes after it


class PageViewRequest(Wire):
    url: str = Field(max_length=MAX_URL)
    title: str = Field(default="", max_length=MAX_TITLE)
    referrer: str = Field(default="", max_length=MAX_URL)


class VisitorStartRequest(Wire):
    client_msg_id: str = Field(min_length=1, max_length=64)
    body: str = Field(min_length=1, max_length=MAX_BODY)
    name: str | None = Field(default=None, max_length=MAX_NAME)
    # Free text like the operator's contact field (PATCH /visitors/{id}): stored as written.
    email: str | None = Field(default=None, max_length=MAX_EMAIL)
    department: str | None = Field(default=None, max_length=MAX_NAME)


class VisitorMessageRequest(Wire):
    client_msg_id: str = Field(min_length=1, max_length=64)
    body: str = Field(min_length=1, max_length=MAX_BODY)


class ErrorBody(Wire):
    error: str
    message: str


class ApprovalAction(Wire):
    action: Literal["approve", "reject"]
    body: str | None = Field(default=None, min_length=1, max_length=MAX_BODY)   # edited text
    note: str = Field(default="", max_length=MAX_NOTE)


class ReassignRequest(Wire):
    operator_id: int = Field(ge=1, le=MAX_ID)
    note: str = Field(default="", max_length=MAX_NOTE)


class ReviewRequest(Wire):
    mark: ReviewMark | None = None
    note: str = Field(default="", max_length=MAX_NOTE)


class RatingRequest(Wire):
    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=MAX_NOTE)
