"""The shop's settings for the visitor's flows (pre-chat, opening hours, queue, rating): these
sections of the shop file (`chatdesk server --shop-config FILE`, shop_config.py), or of the older
`--flows-config FILE`. Every section is optional; without them the widget asks nothing, chat is
always open, the queue has no cap and ratings use 1-5.

    [prechat]
    name = "required"            # required | optional | hidden
    email = "optional"
    departments = ["Sales", "Support"]
    consent_text = "We keep this chat for 90 days."
    privacy_url = "https://shop.example/privacy"

    [hours]
    time_zone = "Europe/Warsaw"
    week = {monday = "08:00-16:00", saturday = "10:00-14:00"}   # a day not named is closed
    departments = {Sales = {monday = "09:00-17:00"}}              # a department's own week
    exceptions = [{date = "2026-12-24", hours = "closed"},
                  {date = "2026-12-31", hours = "08:00-12:00", department = "Sales"}]
    recheck_s = 30               # an open widget with no chat asks again whether chat is open

    [queue]
    max_length = 10              # past this many waiting: offer a message or a callback (0: no cap)
    max_wait_s = 900             # ... or past this estimated wait (0: no cap)
    max_queued = 30              # this many waiting: new visitors get the offline form (0: no cap)
    recent_chats = 50            # how many recent chats the wait estimate is measured on
    assumed_chat_s = 300         # the length of a chat while fewer than 3 were measured
    busy_message = {en = "All our staff are helping others.", pl = "..."}

    [rating]
    scale = "five"               # five | thumbs
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FIELD_MODES = ("required", "optional", "hidden")
SCALES = ("five", "thumbs")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")

Span = tuple[int, int]            # minutes from midnight: [start, end)
Week = dict[int, tuple[Span, ...]]  # weekday (0 = Monday) -> spans; a missing day is closed


class FlowsConfigError(ValueError):
    """The flows file is wrong; the message says where."""


@dataclass(frozen=True)
class PrechatConfig:
    name: str = "hidden"
    email: str = "hidden"
    departments: tuple[str, ...] = ()
    consent_text: str = ""
    privacy_url: str = ""


@dataclass(frozen=True)
class HoursException:
    date: str                       # ISO date in the shop's time zone
    spans: tuple[Span, ...]         # () = closed all day
    department: str | None = None   # None: every department


@dataclass(frozen=True)
class HoursConfig:
    time_zone: str = "UTC"
    week: Week | None = None        # None: always open
    departments: dict[str, Week] = field(default_factory=dict)
    exceptions: tuple[HoursException, ...] = ()
    recheck_s: int = 30             # seconds between an open widget's availability checks

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def always_open(self) -> bool:
        return self.week is None and not self.departments and not self.exceptions


@dataclass(frozen=True)
class QueueConfig:
    max_length: int = 0
    max_wait_s: int = 0
    max_queued: int = 0
    recent_chats: int = 50
    assumed_chat_s: int = 300
    busy_message: dict[str, str] = field(default_factory=dict)   # lang -> text


@dataclass(frozen=True)
class RatingConfig:
    scale: str = "five"


@dataclass(frozen=True)
class FlowsConfig:
    prechat: PrechatConfig = field(default_factory=PrechatConfig)
    hours: HoursConfig = field(default_factory=HoursConfig)
    queue: QueueConfig = field(default_factory=QueueConfig)
    rating: RatingConfig = field(default_factory=RatingConfig)


def load_flows(path: str | Path | None) -> FlowsConfig:
    if not path:
        return FlowsConfig()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise FlowsConfigError(f"{path}: {e}") from None
    return flows_from_dict(data)


def flows_from_dict(data: dict[str, Any]) -> FlowsConfig:
    return FlowsConfig(prechat=_prechat(data.get("prechat", {})), hours=_hours(data.get("hours", {})),
                       queue=_queue(data.get("queue", {})), rating=_rating(data.get("rating", {})))


def _choice(section: str, key: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise FlowsConfigError(f"[{section}] {key} must be one of {', '.join(allowed)}, not {value!r}.")
    return str(value)


def _prechat(d: dict[str, Any]) -> PrechatConfig:
    url = str(d.get("privacy_url", ""))
    if url and not url.startswith(("https://", "http://")):
        raise FlowsConfigError("[prechat] privacy_url must be an http(s) address.")
    return PrechatConfig(name=_choice("prechat", "name", d.get("name", "hidden"), FIELD_MODES),
                         email=_choice("prechat", "email", d.get("email", "hidden"), FIELD_MODES),
                         departments=tuple(str(x) for x in d.get("departments", ())),
                         consent_text=str(d.get("consent_text", "")), privacy_url=url)


def parse_spans(text: str, where: str) -> tuple[Span, ...]:
    """"08:00-12:00, 13:00-16:00" -> ((480, 720), (780, 960)); "closed" -> ()."""
    if text.strip().lower() == "closed":
        return ()
    spans = []
    for part in text.split(","):
        m = SPAN.match(part.strip())
        if not m:
            raise FlowsConfigError(f"{where}: {part.strip()!r} is not a span like 08:00-16:00.")
        start, end = int(m[1]) * 60 + int(m[2]), int(m[3]) * 60 + int(m[4])
        if end <= start or end > 24 * 60:
            raise FlowsConfigError(f"{where}: {part.strip()!r} must end after it starts, by 24:00.")
        spans.append((start, end))
    return tuple(sorted(spans))


def _week(d: dict[str, Any], where: str) -> Week:
    unknown = set(d) - set(WEEKDAYS)
    if unknown:
        raise FlowsConfigError(f"{where}: {', '.join(sorted(unknown))} is not a weekday (monday ... sunday).")
    return {WEEKDAYS.index(day): parse_spans(str(text), f"{where}.{day}") for day, text in d.items()}


def _hours(d: dict[str, Any]) -> HoursConfig:
    zone = str(d.get("time_zone", "UTC"))
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise FlowsConfigError(f"[hours] time_zone {zone!r} is not a known time zone.") from None
    exceptions = []
    for i, e in enumerate(d.get("exceptions", ())):
        date = str(e.get("date", ""))
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", date):
            raise FlowsConfigError(f"[hours] exceptions[{i}].date must be YYYY-MM-DD, not {date!r}.")
        exceptions.append(HoursException(date, parse_spans(str(e.get("hours", "closed")), f"[hours] exceptions[{i}]"),
                                     e.get("department")))
    recheck = d.get("recheck_s", 30)
    if not isinstance(recheck, int) or isinstance(recheck, bool) or not 1 <= recheck <= 3600:
        raise FlowsConfigError(f"[hours] recheck_s must be a whole number of seconds from 1 to 3600, not {recheck!r}.")
    return HoursConfig(time_zone=zone, week=_week(d["week"], "[hours] week") if "week" in d else None,
                       departments={name: _week(w, f"[hours] departments.{name}")
                                    for name, w in d.get("departments", {}).items()},
                       exceptions=tuple(exceptions), recheck_s=recheck)


def _queue(d: dict[str, Any]) -> QueueConfig:
    numbers = {k: int(d.get(k, default)) for k, default in
               (("max_length", 0), ("max_wait_s", 0), ("max_queued", 0), ("recent_chats", 50),
                ("assumed_chat_s", 300))}
    if any(v < 0 for v in numbers.values()):
        raise FlowsConfigError("[queue] numbers must be 0 or more.")
    return QueueConfig(**numbers, busy_message={str(k): str(v) for k, v in d.get("busy_message", {}).items()})


def _rating(d: dict[str, Any]) -> RatingConfig:
    return RatingConfig(scale=_choice("rating", "scale", d.get("scale", "five"), SCALES))
