"""What admins see of the outbox: deliveries by state (dead letters first of all) with their
attempts, and a redelivery of a dead letter under its own id."""
from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select, update

from ..services.errors import conflict, not_found
from ..storage import schema
from ..storage.db import AnyConn

D, W, A = schema.deliveries, schema.webhooks, schema.delivery_attempts
LIST_LIMIT = 500


def delivery_dict(r: Any) -> dict[str, Any]:
    target = r.recipient if r.channel == "mail" else (r.url or f"(removed webhook {r.webhook_id})")
    return {"id": r.id, "channel": r.channel, "event": r.event, "target": target, "state": r.state,
            "attempts": r.attempts, "created_at": r.created_at, "next_at": r.next_at,
            "delivered_at": r.delivered_at, "last_error": r.last_error}


def _with_url() -> Any:
    return select(D, W.c.url).select_from(D.outerjoin(W, W.c.id == D.c.webhook_id))


async def deliveries(conn: AnyConn, state: str | None = "dead", limit: int = LIST_LIMIT) -> list[dict[str, Any]]:
    q = _with_url().order_by(D.c.created_at.desc()).limit(limit)
    if state is not None:
        q = q.where(D.c.state == state)
    return [delivery_dict(r) for r in (await conn.execute(q)).all()]


async def with_attempts(conn: AnyConn, delivery_id: str) -> dict[str, Any]:
    """One delivery and every attempt at it, oldest first."""
    row = (await conn.execute(_with_url().where(D.c.id == delivery_id))).first()
    if row is None:
        raise not_found(f"delivery {delivery_id}")
    tries = (await conn.execute(select(A).where(A.c.delivery_id == delivery_id).order_by(A.c.id))).all()
    return {"delivery": delivery_dict(row),
            "attempts": [{"at": t.at, "ok": t.ok, "status": t.status, "error": t.error, "seconds": t.seconds}
                         for t in tries]}


async def redeliver(conn: AnyConn, delivery_id: str, give_up_after: float) -> dict[str, Any]:
    """A dead letter is due again now, with a fresh retry window; the same delivery id."""
    row = (await conn.execute(_with_url().where(D.c.id == delivery_id))).first()
    if row is None:
        raise not_found(f"delivery {delivery_id}")
    if row.state != "dead":
        raise conflict("not_dead", f"Delivery {delivery_id} is {row.state}, not a dead letter.")
    if row.channel == "webhook" and row.url is None:
        raise conflict("webhook_removed", f"Delivery {delivery_id} was for webhook {row.webhook_id}, which "
                                          "was removed: there is nowhere to send it.")
    now = time.time()
    await conn.execute(update(D).where(D.c.id == delivery_id).values(
        state="pending", next_at=now, give_up_at=now + give_up_after))
    return delivery_dict((await conn.execute(_with_url().where(D.c.id == delivery_id))).one())
