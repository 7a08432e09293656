"""Opener rules as supervisors manage them: create, edit (pause is `enabled: false`), and the
priority order (the first enabled rule that matches a visit decides).

Every change writes the durable event `opener_rules.changed` (staff only): the heartbeat keeps the
enabled rules in memory (services/opener_rule_cache.py) and reloads them when that event is
published, in this process or, through the shared event log, in another."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update

from chatdesk.protocol import events as ev

from ..eventlog.log import Tx
from ..storage.db import AnyConn
from ..storage.schema import departments as D
from ..storage.schema import opener_rules as R
from .errors import Invalid, not_found


def rule_dict(r: Any) -> dict[str, Any]:
    return {"id": r.id, "name": r.name, "enabled": bool(r.enabled), "priority": r.priority,
            "conditions": dict(r.conditions), "texts": dict(r.texts), "default_language": r.default_language,
            "control_percent": r.control_percent, "department": r.department,
            "created_at": r.created_at, "updated_at": r.updated_at}


async def listed(conn: AnyConn, *, enabled_only: bool = False) -> list[dict[str, Any]]:
    q = select(R).order_by(R.c.priority, R.c.id)
    if enabled_only:
        q = q.where(R.c.enabled.is_(True))
    return [rule_dict(r) for r in (await conn.execute(q)).all()]


async def one(conn: AnyConn, rule_id: int) -> dict[str, Any]:
    r = (await conn.execute(select(R).where(R.c.id == rule_id))).first()
    if r is None:
        raise not_found(f"opener rule {rule_id}")
    return rule_dict(r)


async def _check(conn: AnyConn, fields: dict[str, Any]) -> None:
    c = fields.get("conditions") or {}
    if c.get("min_visits") and c.get("max_visits") and c["min_visits"] > c["max_visits"]:
        raise Invalid("min_visits must not be above max_visits.")
    if fields.get("department"):
        known = (await conn.execute(select(D.c.name).where(D.c.name == fields["department"]))).scalar()
        if known is None:
            raise not_found(f"department called '{fields['department']}'")


async def create(tx: Tx, fields: dict[str, Any], now: float) -> dict[str, Any]:
    await _check(tx.conn, fields)
    last = (await tx.conn.execute(select(func.max(R.c.priority)))).scalar() or 0
    res = await tx.conn.execute(insert(R).values(**fields, priority=last + 1, created_at=now, updated_at=now))
    rule_id = res.inserted_primary_key[0]
    await _changed(tx, "created", [rule_id])
    return await one(tx.conn, rule_id)


async def edit(tx: Tx, rule_id: int, changes: dict[str, Any], now: float) -> dict[str, Any]:
    current = await one(tx.conn, rule_id)
    await _check(tx.conn, {**current, **changes})
    if changes:
        await tx.conn.execute(update(R).where(R.c.id == rule_id).values(**changes, updated_at=now))
        await _changed(tx, "edited", [rule_id])
    return await one(tx.conn, rule_id)


async def reorder(tx: Tx, ids: list[int], now: float) -> list[dict[str, Any]]:
    have = {r["id"] for r in await listed(tx.conn)}
    if sorted(ids) != sorted(have) or len(set(ids)) != len(ids):
        raise Invalid("Give every rule's id exactly once, highest priority first.")
    for priority, rule_id in enumerate(ids, start=1):
        await tx.conn.execute(update(R).where(R.c.id == rule_id).values(priority=priority, updated_at=now))
    await _changed(tx, "reordered", ids)
    return await listed(tx.conn)


async def _changed(tx: Tx, change: str, rule_ids: list[int]) -> None:
    await tx.emit(ev.OPENER_RULES_CHANGED, {"change": change, "rule_ids": rule_ids})
