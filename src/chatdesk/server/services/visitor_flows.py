"""What the session answer tells the widget about the visitor's flows: the shop's pre-chat form and
rating scale, whether chat is available now, who will answer a returning visitor (sticky routing)
and where the visitor stream is now (a new tab resumes there and never replays old status lines)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ..context import ServerContext
from ..eventlog.log import E
from ..storage.db import AnyConn
from ..visitor_flows_config import FlowsConfig
from .availability import availability
from .routing import available_operators


def prechat(flows: FlowsConfig) -> dict[str, Any]:
    p = flows.prechat
    consent = {"text": p.consent_text, "privacy_url": p.privacy_url} if p.consent_text else None
    return {"name": p.name, "email": p.email, "departments": list(p.departments), "consent": consent}


async def sticky_operator(ctx: ServerContext, conn: AnyConn, last_operator_id: int | None) -> str:
    """The last chat's operator's name when routing would send this visitor's next chat to them
    (auto-assign on, and they are online under their cap: routing.pick_operator), else ""."""
    if not ctx.config.auto_assign or last_operator_id is None:
        return ""
    for op, _held in await available_operators(conn):
        if op.id == last_operator_id:
            return str(op.name)
    return ""


async def session_extras(ctx: ServerContext, conn: AnyConn, last_operator_id: int | None) -> dict[str, Any]:
    flows = ctx.config.flows
    newest = (await conn.execute(select(func.max(E.c.event_id)))).scalar() or 0
    return {"prechat": prechat(flows), "rating": {"scale": flows.rating.scale},
            "availability": await availability(conn, flows, None, ctx.now()),
            "last_operator": await sticky_operator(ctx, conn, last_operator_id), "last_event_id": newest}


def text_overrides(flows: FlowsConfig) -> dict[str, dict[str, Any]]:
    """The shop's own texts over the catalogue's, per language: the busy message."""
    return {lang: {"queue.busy": text} for lang, text in flows.queue.busy_message.items()}
