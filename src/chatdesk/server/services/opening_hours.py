"""Opening hours in the shop's time zone: is chat open now, and if not, when it opens again.

A day's hours are, first match wins: that date's exception for the department, that date's
exception for every department, the department's own week, the shop's week. Without a week (and
no department week) chat is always open; a weekday the week does not name is closed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from ..visitor_flows_config import WEEKDAYS, HoursConfig, Span

LOOK_AHEAD_DAYS = 366        # a shop closed for longer than a year says nothing about reopening
ALL_DAY: tuple[Span, ...] = ((0, 24 * 60),)


@dataclass(frozen=True)
class Opening:
    open: bool
    opens_at: datetime | None = None   # UTC, when closed and it opens again within a year
    opens_at_local: str = ""           # "08:00" in the shop's time zone
    opens_day: str = ""                # "today" | "tomorrow" | "monday" ... (local)


def spans_on(hours: HoursConfig, day: date, department: str | None) -> tuple[Span, ...]:
    iso = day.isoformat()
    for wanted in ((department, None) if department else (None,)):
        for e in hours.exceptions:
            if e.date == iso and e.department == wanted:
                return e.spans
    week = hours.departments.get(department or "", hours.week)
    if week is None:
        return ALL_DAY
    return week.get(day.weekday(), ())


def opening(hours: HoursConfig, department: str | None, now: datetime) -> Opening:
    """`now` is any aware datetime (tests pass their own: nobody waits until 8:00)."""
    if hours.always_open:
        return Opening(open=True)
    zone = hours.zone
    local_now = now.astimezone(zone)
    today = local_now.date()
    for offset in range(LOOK_AHEAD_DAYS):
        day = today + timedelta(days=offset)
        for start, end in spans_on(hours, day, department):
            begins = _at(day, start, zone)
            ends = _at(day, end, zone)
            if begins <= local_now < ends:
                return Opening(open=True)
            if begins > local_now:
                return Opening(open=False, opens_at=begins.astimezone(UTC), opens_at_local=f"{begins:%H:%M}",
                               opens_day=_day_word(today, begins.date()))
    return Opening(open=False)


def _at(day: date, minutes: int, zone) -> datetime:
    if minutes >= 24 * 60:
        return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=zone)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)


def _day_word(today: date, day: date) -> str:
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    return WEEKDAYS[day.weekday()]

