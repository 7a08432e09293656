"""Wire models of work items: a visitor's request for a callback, or an offline message, that an
operator claims, calls or writes, and marks done with a note (docs/protocol.md, "Work items")."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .limits import MAX_BODY, MAX_ID, MAX_NAME, MAX_NOTE
from .models import Wire

WorkKind = Literal["callback", "offline"]
WorkChannel = Literal["phone", "email"]
WorkState = Literal["open", "claimed", "done"]
# GET /requests?state=: "open" unclaimed, "claimed" by anyone, "mine" claimed by me, "done",
# "pending" open or claimed (what is still to do).
WorkFilter = Literal["open", "claimed", "mine", "done", "pending"]

MAX_PREFERRED_TIME = 80
MAX_PHONE = 40
MAX_EMAIL = 254
REQUEST_PAGE = 100          # work items in one GET /requests, the most urgent first
MAX_REQUEST_PAGE = 1_000


class WorkItem(Wire):
    id: int
    kind: WorkKind
    channel: WorkChannel
    state: WorkState = "open"
    name: str = ""
    email: str = ""
    phone: str = ""
    preferred_time: str = ""            # as the visitor wrote it
    message: str = ""
    visitor_id: str | None = None
    department: str | None = None
    conversation_id: int | None = None  # the chat it came from, if any
    created_at: float
    created_by: str = "visitor"         # "visitor", or the name of the operator who recorded it
    due_at: float                       # see server/services/work_due.py for the rule
    overdue: bool = False               # past due_at and not done, when the answer was made
    claimed_by: int | None = None
    claimed_by_name: str = ""
    claimed_at: float | None = None
    calling_since: float | None = None  # the claimer is on the phone for it
    done_at: float | None = None
    done_note: str = ""


class WorkItemPage(Wire):
    """GET /requests: at most `limit` items, and how many match in all."""
    items: list[WorkItem] = Field(default_factory=list)
    total: int = 0


class WorkRequestCreate(Wire):
    """POST /visitor/requests. The chosen channel's contact field must not be empty."""
    kind: WorkKind
    channel: WorkChannel
    name: str = Field(default="", max_length=MAX_NAME)
    email: str = Field(default="", max_length=MAX_EMAIL)
    phone: str = Field(default="", max_length=MAX_PHONE)
    preferred_time: str = Field(default="", max_length=MAX_PREFERRED_TIME)
    message: str = Field(default="", max_length=MAX_BODY)
    department: str | None = Field(default=None, max_length=MAX_NAME)
    conversation_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class WorkRequestCreated(Wire):
    """What the visitor gets back: no operator-side fields."""
    id: int
    kind: WorkKind
    state: WorkState = "open"
    created_at: float


class WorkDoneRequest(Wire):
    note: str = Field(default="", max_length=MAX_NOTE)
