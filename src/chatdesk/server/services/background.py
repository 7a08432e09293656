"""Background sweeps, one asyncio task per server: auto-assign queued chats, requeue auto-assigned
chats left unanswered, and mark queued chats missed when their visitor has gone. With several
processes only the sweeper-lease holder sweeps: each pass and each of its write transactions asks
the fence first (cluster/fence.py)."""
from __future__ import annotations

import asyncio
import logging
import time

from sqlalchemy import select

from ..cluster.fence import LeaseLost
from ..context import ServerContext
from ..storage import schema
from . import routing
from .conversations import mark_missed

log = logging.getLogger("chatdesk.server.background")
C, V = schema.conversations, schema.visitors


async def _lapsed(ctx: ServerContext) -> list:
    cutoff = time.time() - ctx.config.requeue_after
    async with ctx.store.read() as conn:
        return (await conn.execute(select(C).where(
            C.c.state == "active", C.c.auto_assigned.is_(True), C.c.answered.is_(False),
            C.c.assigned_at < cutoff))).all()


async def _gone(ctx: ServerContext) -> list[int]:
    now = time.time()
    async with ctx.store.read() as conn:
        rows = (await conn.execute(select(C.c.id, V.c.id.label("vid"), V.c.last_seen)
                                   .join(V, V.c.id == C.c.visitor_id).where(C.c.state == "queued"))).all()
    gone = []
    for r in rows:
        if ctx.hub.visitor_connected(r.vid):
            continue
        last = max(r.last_seen, ctx.visitor_activity.get(r.vid, 0.0), ctx.started_at)
        if now - last > ctx.config.visitor_timeout:
            gone.append(r.id)
    return gone


async def _has_queued(ctx: ServerContext) -> bool:
    async with ctx.store.read() as conn:
        return (await conn.execute(select(C.c.id).where(C.c.state == "queued").limit(1))).first() is not None


def _forget_old_activity(ctx: ServerContext) -> None:
    if len(ctx.visitor_activity) > 10_000:
        cutoff = time.time() - 2 * ctx.config.visitor_timeout
        for vid in [v for v, t in ctx.visitor_activity.items() if t < cutoff]:
            del ctx.visitor_activity[vid]


async def sweep(ctx: ServerContext) -> None:
    if not ctx.fence.proven():
        return
    _forget_old_activity(ctx)
    for cid in await _gone(ctx):
        async with ctx.store.tx() as tx:
            await ctx.fence.check(tx.conn)
            conv = (await tx.conn.execute(select(C.c.state).where(C.c.id == cid))).scalar()
            if conv == "queued":
                await mark_missed(tx, cid)
    if not ctx.config.auto_assign:
        return
    for conv in await _lapsed(ctx):
        async with ctx.store.tx() as tx:
            await ctx.fence.check(tx.conn)
            fresh = (await tx.conn.execute(select(C).where(C.c.id == conv.id))).first()
            if fresh and fresh.state == "active" and fresh.auto_assigned and not fresh.answered \
                    and fresh.operator_id == conv.operator_id:
                await routing.requeue(tx, fresh)
    if await _has_queued(ctx):
        async with ctx.store.read() as conn:
            free = await routing.available_operators(conn)
        if free:
            async with ctx.store.tx() as tx:
                await ctx.fence.check(tx.conn)
                await routing.route_queued(tx)


async def run(ctx: ServerContext) -> None:
    while True:
        if ctx.config.auto_assign:       # routing answers a write (a new chat, a free operator) at once
            try:
                await asyncio.wait_for(ctx.hub.changed.wait(), timeout=ctx.config.sweep_interval)
            except TimeoutError:
                pass
            ctx.hub.changed.clear()
        else:                            # only clocks to watch: a sweep per write would tax every write
            await asyncio.sleep(ctx.config.sweep_interval)
        try:
            await sweep(ctx)
        except asyncio.CancelledError:
            raise
        except LeaseLost:                # not ours any more: the fence logged it, the holder sweeps
            pass
        except Exception:  # a failed sweep must not stop routing for good
            log.exception("background sweep failed")
            await asyncio.sleep(1.0)
