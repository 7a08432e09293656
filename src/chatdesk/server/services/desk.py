"""The desk's start: who I am, the queue, my open chats (each with its newest page of messages and
its visitor's journey), operators, canned replies, read in one transaction, in a fixed number of
queries however many chats are open. It carries the newest event it includes: a desk's stream
resumes after that one (no gap, no reset)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from chatdesk.protocol.limits import QUEUE_PAGE

from ..context import ServerContext
from ..security.tokens import Actor
from ..storage import rows
from ..storage.schema import conversations as C
from ..storage.schema import events as E
from . import canned, operator_views


async def snapshot(ctx: ServerContext, actor: Actor, last: int) -> dict[str, Any]:
    connected = ctx.hub.visitor_connected
    async with ctx.store.read() as conn:
        # the first read fixes the transaction's snapshot: everything below is as of this event
        newest = (await conn.execute(select(func.max(E.c.event_id)))).scalar() or 0
        mine = await rows.conversations_where(conn, C.c.state == "active", C.c.operator_id == actor.id,
                                              order_by=(C.c.id,))
        details = await operator_views.details(conn, mine, actor, connected=connected, last=last)
        journeys = await rows.visitor_details(conn, [c["visitor_id"] for c in mine], connected)
        queue, queue_total = await operator_views.queue_page(conn, connected, QUEUE_PAGE)
        open_chats = [{"detail": d, "visitor": journeys[c["visitor_id"]]} for c, d in zip(mine, details, strict=True)]
        return {"event_id": newest, "me": await rows.operator(conn, actor.id),
                "queue": queue, "queue_total": queue_total, "open": open_chats,
                "operators": await rows.all_operators(conn), "canned": await canned.visible_to(conn, actor)}
