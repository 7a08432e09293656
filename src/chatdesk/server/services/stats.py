"""Small statistics for the board and reports: median and p90 (nearest rank), "today", and who
sent a chat's first reply."""
from __future__ import annotations

import math
import time

from sqlalchemy import and_
from sqlalchemy.sql.elements import ColumnElement

from ..storage import schema


def first_reply_message() -> ColumnElement[bool]:
    """Join condition conversations -> the message that was the first reply (its time is the
    conversation's first_response_at): its author_id is who earned the first-reply figure, also
    when someone else holds the chat after a transfer."""
    C, M = schema.conversations, schema.messages
    return and_(M.c.conversation_id == C.c.id, M.c.ts == C.c.first_response_at,
                M.c.author_type == "operator", M.c.kind == "text", M.c.author_id.is_not(None))


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered, n = sorted(values), len(values)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def today_start(now: float | None = None) -> float:
    """Midnight in the server's local time zone."""
    t = time.localtime(now if now is not None else time.time())
    return time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0, 0, 0, -1))


def local_hour(ts: float) -> int:
    return time.localtime(ts).tm_hour
