"""Whether the widget offers chat now (CONTRACT.md `availability`): within opening hours, some
operator online, and the queue below the shop's cap; else the widget shows when chat opens again
and the offline form. A new chat outside opening hours is refused (409), never left to be missed."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from ..storage.db import AnyConn
from ..visitor_flows_config import FlowsConfig
from .errors import conflict
from .opening_hours import opening
from .waiting_line import floor, queued_ids


async def availability(conn: AnyConn, flows: FlowsConfig, department: str | None, now: datetime) -> dict[str, Any]:
    hours = opening(flows.hours, department, now)
    fl = await floor(conn)
    cap = flows.queue.max_queued
    room = not cap or len(await queued_ids(conn)) < cap
    return {"open": hours.open, "online": fl.online > 0, "busy": fl.busy,
            "opens_at": hours.opens_at.isoformat().replace("+00:00", "Z") if hours.opens_at else None,
            "opens_at_local": hours.opens_at_local, "opens_day": hours.opens_day,
            "accepting": hours.open and fl.online > 0 and room,
            "recheck_s": recheck_after(flows, hours.opens_at, now)}


LONGEST_RECHECK = 3600     # seconds: a widget left open for hours still hears of a changed plan


def recheck_after(flows: FlowsConfig, opens_at: datetime | None, now: datetime) -> int:
    """When an open widget with no chat asks again (the widget's availability part): every
    `[hours] recheck_s` seconds, since an operator may come online or go at any moment; closed
    by the hours, not before they open (at most an hour apart)."""
    every = flows.hours.recheck_s
    if opens_at is None:
        return every
    until_open = int((opens_at - now).total_seconds()) + 1
    return max(every, min(until_open, LONGEST_RECHECK))


def refuse_when_closed(flows: FlowsConfig, department: str | None, now: datetime) -> None:
    """A new chat outside the department's opening hours: 409 with when it opens again."""
    hours = opening(flows.hours, department, now)
    if hours.open:
        return
    day = hours.opens_day if hours.opens_day in ("today", "tomorrow") else f"on {hours.opens_day.capitalize()}"
    when = f" Chat opens again {day} at {hours.opens_at_local}." if hours.opens_at else ""
    raise conflict("closed", "Chat is closed outside opening hours; leave a message instead." + when)
