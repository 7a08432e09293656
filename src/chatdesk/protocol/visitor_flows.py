"""What the widget learns about the visitor's flows (docs/protocol.md, "Visitor flows"): the
pre-chat form, the rating scale, whether chat is available now, and a waiting visitor's place in
the queue (in the session answer, GET /visitor/availability, GET /visitor/conversations/{cid}/queue
and the visitor stream's `queue` frame)."""
from __future__ import annotations

from typing import Literal

from .models import Wire

FieldMode = Literal["required", "optional", "hidden"]
QUEUE_FRAME = "queue"      # visitor stream, ephemeral: a waiting visitor's QueueStanding moved


class Consent(Wire):
    text: str
    privacy_url: str = ""


class Prechat(Wire):
    name: FieldMode = "hidden"
    email: FieldMode = "hidden"
    departments: list[str] = []          # empty: no choice offered
    consent: Consent | None = None


class RatingSettings(Wire):
    scale: Literal["five", "thumbs"] = "five"    # thumbs are sent as rating 5 (up) or 1 (down)


class Availability(Wire):
    open: bool = True                 # within opening hours
    online: bool = True               # some operator is online
    busy: bool = False                # every online operator is at their cap
    opens_at: str | None = None       # ISO-8601 UTC, when closed
    opens_at_local: str = ""          # "08:00" in the shop's time zone
    opens_day: str = ""               # "today" | "tomorrow" | "monday" ...
    accepting: bool = True            # open, online and the queue below its cap: offer chat
    recheck_s: int = 30               # an open widget with no chat asks again after this many seconds


class QueueStanding(Wire):
    position: int | None = None       # 1 = next; None once an operator has the chat
    ahead: int = 0
    estimate_min_s: int = 0
    estimate_max_s: int = 0
    busy: bool = False
    offer_message: bool = False       # past the shop's queue length or wait: offer a message/callback
