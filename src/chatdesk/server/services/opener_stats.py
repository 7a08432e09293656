"""An opener rule's figures for a period: the visits that qualified in it, split into the group
that was shown the opener (treatment) and the control group, with the orders each visit led to
within the attribution window after it qualified, and the uplift in conversion with its 95 %
interval (services/uplift.py). Groups are compared as assigned (intent to treat): a treatment
visit whose widget never showed the opener still counts, so the comparison stays fair."""
from __future__ import annotations

from bisect import bisect_left
from typing import Any

from sqlalchemy import select

from ..storage.db import AnyConn
from ..storage.schema import invitations as I
from ..storage.schema import orders as O
from . import uplift as stats

CHUNK = 500


async def _orders_of(conn: AnyConn, vids: list[str], since: float) -> dict[str, list[tuple[float, float]]]:
    found: dict[str, list[tuple[float, float]]] = {}
    for i in range(0, len(vids), CHUNK):
        for r in (await conn.execute(select(O.c.visitor_id, O.c.ts, O.c.value).where(
                O.c.visitor_id.in_(vids[i:i + CHUNK]), O.c.ts >= since))).all():
            found.setdefault(r.visitor_id, []).append((r.ts, r.value))
    for v in found.values():
        v.sort()
    return found


def _group(invs: list[Any], orders: dict[str, list[tuple[float, float]]], window: float) -> dict[str, Any]:
    g: dict[str, Any] = {"visits": len(invs), "shown": 0, "dismissed": 0, "accepted": 0, "converted": 0,
                         "orders": 0, "revenue": 0.0}
    for inv in invs:
        g["shown"] += inv.shown_at is not None
        g["dismissed"] += inv.state == "dismissed"
        g["accepted"] += inv.state == "accepted"
        mine = orders.get(inv.visitor_id, [])
        start = bisect_left(mine, (inv.created_at, float("-inf")))
        within = [value for ts, value in mine[start:] if ts <= inv.created_at + window]
        if within:
            g["converted"] += 1
            g["orders"] += len(within)
            g["revenue"] += sum(within)
    g["revenue"] = round(g["revenue"], 2)
    g["conversion"] = g["converted"] / g["visits"] if g["visits"] else None
    return g


async def rule_stats(conn: AnyConn, rule: dict[str, Any], since: float, until: float, window: float,
                     minimum: int = stats.MIN_GROUP) -> dict[str, Any]:
    invs = (await conn.execute(select(I).where(I.c.rule_id == rule["id"], I.c.created_at >= since,
                                               I.c.created_at < until))).all()
    orders = await _orders_of(conn, sorted({i.visitor_id for i in invs}), since)
    treatment = _group([i for i in invs if i.grp == "treatment"], orders, window)
    control = _group([i for i in invs if i.grp == "control"], orders, window)
    found = stats.uplift(treatment["converted"], treatment["visits"], control["converted"], control["visits"],
                         minimum)
    return {"rule_id": rule["id"], "name": rule["name"], "since": since, "until": until,
            "window_days": window / 86_400.0, "qualified": len(invs), "treatment": treatment, "control": control,
            "uplift": None if found is None else {"difference": found.difference, "low": found.low,
                                                  "high": found.high, "method": found.method},
            "verdict": stats.NOT_ENOUGH if found is None else ""}
