"""The staffing report: chats, missed, first-response and handle times (median, p90), ratings,
by operator and by hour of day (server local time), each with the orders credited to its chats,
for chats that started in [since, until)."""
from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select

from ..storage import schema
from . import orders
from .errors import Invalid
from .stats import first_reply_message, local_hour, median, percentile, today_start

C, M, OP = schema.conversations, schema.messages, schema.operators


def figures(rows: list, replied: list | None = None) -> dict[str, Any]:
    """`replied`: the chats whose first reply counts here (an operator's own first replies, also
    in chats a colleague holds now); by default the same rows."""
    firsts = [max(0.0, r.first_response_at - r.queued_at) for r in (rows if replied is None else replied)
              if r.first_response_at]
    handles = [max(0.0, r.closed_at - r.accepted_at) for r in rows
               if r.state == "closed" and r.closed_at and r.accepted_at]
    ratings = [r.rating for r in rows if r.rating is not None]
    return {"chats": len(rows), "answered": len(firsts), "missed": sum(r.state == "missed" for r in rows),
            "first_response_median": median(firsts), "first_response_p90": percentile(firsts, 90),
            "handle_median": median(handles), "handle_p90": percentile(handles, 90),
            "rating_average": round(sum(ratings) / len(ratings), 2) if ratings else None,
            "ratings": len(ratings)}


async def summary(conn, since: float, until: float) -> dict[str, Any]:
    rows = (await conn.execute(select(C.c.id, C.c.state, C.c.operator_id, C.c.queued_at, C.c.accepted_at,
                                      C.c.first_response_at, C.c.closed_at, C.c.rating)
                               .where(C.c.queued_at >= since, C.c.queued_at < until))).all()
    names = dict((await conn.execute(select(OP.c.id, OP.c.name))).all())
    first_by = dict((await conn.execute(
        select(C.c.id, M.c.author_id).select_from(C.join(M, first_reply_message()))
        .where(C.c.queued_at >= since, C.c.queued_at < until))).all())
    by_op: dict[int, list] = {}
    replied_by: dict[int, list] = {}
    for r in rows:
        if r.operator_id is not None:
            by_op.setdefault(r.operator_id, []).append(r)
        if r.id in first_by:
            replied_by.setdefault(first_by[r.id], []).append(r)
    credited = await orders.credited_in(conn, since, until)
    sales, sales_by_hour = orders.by_operator(credited), orders.by_hour(credited)
    by_hour: dict[int, list] = {h: [] for h in range(24)}
    for r in rows:
        by_hour[local_hour(r.queued_at)].append(r)
    return {"since": since, "until": until, "totals": figures(rows),
            "by_operator": sorted(({"operator_id": oid, "name": names.get(oid, ""),
                                    **figures(by_op.get(oid, []), replied_by.get(oid, [])),
                                    **conversion(len(by_op.get(oid, [])), sales.get(oid))}
                                   for oid in by_op.keys() | replied_by.keys()),
                                  key=lambda o: (o["name"], o["operator_id"])),
            "by_hour": [{"hour": h, **figures(rs), **conversion(len(rs), sales_by_hour.get(h))}
                        for h, rs in by_hour.items()]}


def conversion(chats: int, sales: dict[str, Any] | None) -> dict[str, Any]:
    """Orders credited to a group's chats (an operator's, an hour's: services/orders.py), and the
    chats that led to one as a share of the group's chats."""
    sales = sales or {"orders": 0, "revenue": 0.0, "converted": 0}
    return {**sales, "conversion": sales["converted"] / chats if chats else None}


def period(since: float | None, until: float | None) -> tuple[float, float]:
    """[since, until): until defaults to now, since to the start of until's day."""
    until = until if until is not None else time.time()
    since = since if since is not None else today_start(until)
    if since >= until:
        raise Invalid("'since' must be before 'until'.")
    return since, until
