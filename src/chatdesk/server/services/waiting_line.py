"""Where a waiting visitor stands: the queue position, the wait estimate from the real recent chat
lengths (wait_estimate.py), whether every online operator is at their cap, and whether the queue is
past the shop's length or wait so the widget offers a message or a callback instead."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..storage import schema
from ..storage.db import AnyConn
from ..visitor_flows_config import QueueConfig
from .wait_estimate import ChatLengths, chat_lengths, estimate

C, OP = schema.conversations, schema.operators


@dataclass(frozen=True)
class Floor:
    """The operators as routing sees them now."""
    online: int       # operators online
    slots: int        # chats the online operators can hold at once (sum of their caps)
    free: int         # of those, not yet taken

    @property
    def busy(self) -> bool:
        return self.online > 0 and self.free <= 0


async def floor(conn: AnyConn) -> Floor:
    caps = (await conn.execute(select(OP.c.id, OP.c.max_chats).where(OP.c.status == "online"))).all()
    held = dict((await conn.execute(select(C.c.operator_id, func.count()).where(C.c.state == "active")
                                    .group_by(C.c.operator_id))).all())
    slots = sum(r.max_chats for r in caps)
    free = sum(max(0, r.max_chats - held.get(r.id, 0)) for r in caps)
    return Floor(online=len(caps), slots=slots, free=free)


async def queued(conn: AnyConn) -> list[tuple[int, str]]:
    """Waiting chats and their visitors, next first (the order routing takes them)."""
    return [(r.id, r.visitor_id) for r in (await conn.execute(
        select(C.c.id, C.c.visitor_id).where(C.c.state == "queued").order_by(C.c.queued_at, C.c.id))).all()]


async def queued_ids(conn: AnyConn) -> list[int]:
    return [cid for cid, _vid in await queued(conn)]


async def recent_lengths(conn: AnyConn, settings: QueueConfig) -> ChatLengths:
    rows = (await conn.execute(
        select(C.c.closed_at - C.c.accepted_at).where(
            C.c.state == "closed", C.c.accepted_at.is_not(None), C.c.closed_at.is_not(None))
        .order_by(C.c.closed_at.desc()).limit(max(1, settings.recent_chats)))).scalars()
    return chat_lengths([float(x) for x in rows], settings.assumed_chat_s)


def standing(cid: int, queue: list[int], fl: Floor, lengths: ChatLengths, settings: QueueConfig) -> dict:
    """The `queue` answer and frame (CONTRACT.md) for chat `cid`; position None once assigned."""
    if cid not in queue:
        return {"position": None, "ahead": 0, "estimate_min_s": 0, "estimate_max_s": 0,
                "busy": fl.busy, "offer_message": False}
    position = queue.index(cid) + 1
    low, high = estimate(position, fl.slots, lengths)
    too_long = bool(settings.max_length) and position > settings.max_length
    too_slow = bool(settings.max_wait_s) and high > settings.max_wait_s
    return {"position": position, "ahead": position - 1, "estimate_min_s": low, "estimate_max_s": high,
            "busy": fl.busy, "offer_message": too_long or too_slow or fl.online == 0}


async def standing_of(conn: AnyConn, cid: int, settings: QueueConfig) -> dict:
    return standing(cid, await queued_ids(conn), await floor(conn), await recent_lengths(conn, settings), settings)
