"""Webhook subscriptions, for the admin API and `chatdesk webhook`: add, list, remove, rotate. A
secret is made here and shown once; it is the signing key itself."""
from __future__ import annotations

import secrets
import time
from typing import Any

from sqlalchemy import delete, insert, select, update

from ..services.errors import Invalid, not_found
from ..storage import schema
from ..storage.db import AnyConn
from .http_post import BadUrl, check_url
from .webhook_events import WEBHOOK_EVENTS

W, D = schema.webhooks, schema.deliveries


def new_secret() -> str:
    return "whsec_" + secrets.token_hex(32)


def check_events(events: list[str]) -> list[str]:
    names = list(dict.fromkeys(e.strip() for e in events if e.strip()))
    unknown = [e for e in names if e != "*" and e not in WEBHOOK_EVENTS]
    if unknown or not names:
        raise Invalid(f"Unknown webhook event {', '.join(unknown) or '(none given)'}; "
                      f"choose from {', '.join(WEBHOOK_EVENTS)} or *.")
    return names


def webhook_dict(r: Any, now: float | None = None) -> dict[str, Any]:
    now = time.time() if now is None else now
    until = r.previous_until if r.previous_secret and (r.previous_until or 0) > now else None
    return {"id": r.id, "url": r.url, "events": r.events, "created_at": r.created_at, "rotating_until": until}


async def add(conn: AnyConn, url: str, events: list[str]) -> dict[str, Any]:
    try:
        check_url(url)
    except BadUrl as e:
        raise Invalid(str(e)) from None
    secret = new_secret()
    res: Any = await conn.execute(insert(W).values(url=url, events=check_events(events), secret=secret,
                                                   created_at=time.time()))
    hook_id = res.inserted_primary_key[0]
    return {"webhook": webhook_dict(await _row(conn, hook_id)), "secret": secret}


async def _row(conn: AnyConn, hook_id: int) -> Any:
    row = (await conn.execute(select(W).where(W.c.id == hook_id))).first()
    if row is None:
        raise not_found(f"webhook {hook_id}")
    return row


async def all_webhooks(conn: AnyConn) -> list[dict[str, Any]]:
    return [webhook_dict(r) for r in (await conn.execute(select(W).order_by(W.c.id))).all()]


async def remove(conn: AnyConn, hook_id: int) -> None:
    """Its undelivered deliveries become dead letters at once (an attempt in flight ends as it may;
    its answer changes nothing)."""
    await _row(conn, hook_id)
    await conn.execute(delete(W).where(W.c.id == hook_id))
    await conn.execute(update(D).where(D.c.webhook_id == hook_id, D.c.state == "pending")
                       .values(state="dead", last_error=schema.REMOVED_WEBHOOK))


async def rotate(conn: AnyConn, hook_id: int, overlap: float) -> dict[str, Any]:
    """A new secret; the current one keeps signing (as the second signature) for `overlap` s."""
    old = await _row(conn, hook_id)
    secret = new_secret()
    await conn.execute(update(W).where(W.c.id == hook_id).values(
        secret=secret, previous_secret=old.secret, previous_until=time.time() + overlap))
    return {"webhook": webhook_dict(await _row(conn, hook_id)), "secret": secret}
