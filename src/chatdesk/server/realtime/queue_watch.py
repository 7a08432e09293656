"""Live queue standings: whenever the queue can have moved (a chat queued, assigned, transferred,
requeued, closed or missed; an operator's status or cap changed), every connected visitor still
waiting gets a `queue` frame with their new position and wait estimate. Ephemeral like typing: it
is the state now, so it is not logged, and a stream gets the current one when it connects."""
from __future__ import annotations

import asyncio
import logging

from chatdesk.protocol.visitor_flows import QUEUE_FRAME

from ..context import ServerContext
from ..eventlog.audience import ToVisitor
from ..eventlog.hub import Subscriber
from ..services import waiting_line
from ..storage import rows

log = logging.getLogger("chatdesk.server.queue_watch")
SETTLE = 0.05     # seconds: events written together (routing a batch) give one round of frames


async def standings(ctx: ServerContext) -> dict[str, dict]:
    """visitor id -> the `queue` frame, for every waiting visitor with a stream open here now
    (each process sends its own visitors theirs)."""
    settings = ctx.config.flows.queue
    async with ctx.store.read() as conn:
        waiting = await waiting_line.queued(conn)
        queue, owners = [cid for cid, _ in waiting], dict(waiting)
        wanted = [cid for cid in queue if ctx.hub.visitor_here(owners[cid])]   # frames go to streams here
        if not wanted:
            return {}
        fl = await waiting_line.floor(conn)
        lengths = await waiting_line.recent_lengths(conn, settings)
    return {owners[cid]: {"type": QUEUE_FRAME, "conversation_id": cid,
                          **waiting_line.standing(cid, queue, fl, lengths, settings)} for cid in wanted}


async def frame_for(ctx: ServerContext, vid: str) -> dict | None:
    """The `queue` frame for a visitor whose stream just authenticated, if they are waiting."""
    async with ctx.store.read() as conn:
        cid = await rows.open_conversation_id(conn, vid)
        if cid is None:
            return None
        standing = await waiting_line.standing_of(conn, cid, ctx.config.flows.queue)
    if standing["position"] is None:
        return None
    return {"type": QUEUE_FRAME, "conversation_id": cid, **standing}


async def run(ctx: ServerContext) -> None:
    while True:
        await ctx.hub.queue_moved.wait()
        await asyncio.sleep(SETTLE)
        ctx.hub.queue_moved.clear()
        try:
            for vid, frame in (await standings(ctx)).items():
                ctx.hub.send_here(frame, ToVisitor(vid))   # each process tells its own streams
        except asyncio.CancelledError:
            raise
        except Exception:   # a failed round must not stop the next ones
            log.exception("queue standings failed")
            await asyncio.sleep(1.0)


def offer_on_connect(sub: Subscriber, frame: dict | None) -> None:
    if frame is not None:
        sub.offer(frame)
