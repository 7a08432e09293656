"""When a work item is due.

The rule: a callback whose preferred time names a clock time ("14:30", "2 pm", "after 5pm",
"tomorrow 9:00", "klo 15", "o 16") is due at that time in the server's local time zone, today, or
tomorrow when the text says so ("tomorrow", "jutro", "huomenna"); a time already past today is due
at once (the visitor is waiting for it now). Anything else (no time, "any time", "evenings", an
offline message) is due `default_after` seconds after it came in (`--request-due`, default 1 h).
Deterministic: the same text and clock give the same answer."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

_TOMORROW = re.compile(r"\b(tomorrow|jutro|huomenna)\b", re.IGNORECASE)
# 14:30, 14.30, 2 pm, 2:30pm, 17h; optionally after "at", "after", "klo", "o", "od", "po"
_CLOCK = re.compile(r"(?<![\d.:])(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|h)?(?![\d:])", re.IGNORECASE)
_CONTEXT = re.compile(r"\b(at|after|around|from|before|klo|kello|o|od|po|około|okolo)\s*$", re.IGNORECASE)


def clock_time(text: str) -> tuple[int, int] | None:
    """(hour, minute) of the first clock time in `text`, or None. A bare number counts only with
    a minute part, am/pm, or a word such as "at" / "klo" before it (so "order 12345" or "2 boxes"
    is not a time)."""
    for m in _CLOCK.finditer(text):
        hour, minute, suffix = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").lower()
        if not (m.group(2) or suffix or _CONTEXT.search(text[:m.start()])):
            continue
        if suffix.startswith("p") and hour < 12:
            hour += 12
        elif suffix.startswith("a") and hour == 12:
            hour = 0
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            return hour, minute
    return None


def due_at(preferred_time: str, created_at: float, default_after: float) -> float:
    found = clock_time(preferred_time)
    if found is None:
        return created_at + default_after
    now = datetime.fromtimestamp(created_at)
    when = now.replace(hour=found[0], minute=found[1], second=0, microsecond=0)
    if _TOMORROW.search(preferred_time):
        when += timedelta(days=1)
    return max(created_at, when.timestamp())
