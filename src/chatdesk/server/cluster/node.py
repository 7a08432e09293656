"""This process as one of several on a database: every HEARTBEAT one short write transaction
renews its member row and writes what changed in its visitor streams (presence.py), then one
read learns its peers' bus addresses and their visitors. The sweeper's lease is renewed apart, on
the keeper's own thread and connection (lease_keeper.py), while a small task shows the keeper that
the loop is alive; the sweeps ask the fence (fence.py) before they act. Alongside,
the fan-out's catch-up reader and its poll, and every PRESENCE_EVERY seconds the visitors whose
streams this process holds are marked seen, so the sweeper (maybe in another process) does not
take a connected visitor's queued chat for missed. Logouts reach the other processes by the bus
at once, and by the heartbeat's look at the tokens of this process's streams within a second."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from sqlalchemy import select, update

from ..context import ServerContext
from ..storage import schema
from ..storage.target import is_postgres
from .bus import Bus
from .bus_key import bus_key
from .fence import SweepFence
from .lease import Lease
from .lease_keeper import LeaseKeeper
from .members import Membership, live_peers
from .pg_notify import NotifyWake
from .presence import Presence

log = logging.getLogger("chatdesk.server.cluster")
HEARTBEAT = 0.5      # the member row lives 5 s: a late beat under load still renews it in time
PULSE = 0.1          # seconds between the loop's signs of life for the lease keeper
SWEEPER = "sweeper"
CHUNK = 500
C, V, T = schema.conversations, schema.visitors, schema.operator_tokens


class Node:
    def __init__(self, ctx: ServerContext):
        self.ctx = ctx
        store = ctx.store
        self.bus = Bus(ctx.hub, store.fanout, ctx.config.bus_host)
        self.bus.wake_peers = ctx.config.cluster_wake == "bus"
        self.notify: NotifyWake | None = None
        if ctx.config.cluster_wake == "notify":
            if not is_postgres(ctx.config.db_path):
                raise ValueError("--cluster-wake notify needs a Postgres database (--db postgresql://...)")
            self.notify = NotifyWake(str(ctx.config.db_path), store.fanout)
        self.membership: Membership | None = None
        self.lease: Lease | None = None
        self.presence: Presence | None = None
        self.fence: SweepFence | None = None
        self.keeper: LeaseKeeper | None = None
        self.loop_seen = time.monotonic()
        self.tasks: list[asyncio.Task] = []
        self._presence_at = 0.0
        self._processes = 1

    @property
    def member_id(self) -> str:
        return self.membership.member_id if self.membership else ""

    async def start(self) -> None:
        self.bus.key = await bus_key(self.ctx.db, self.ctx.config.bus_secret)
        await self.bus.start()
        self.membership = Membership(self.ctx.config.bus_host, self.bus.port)
        self.lease = Lease(SWEEPER, self.membership.member_id)
        self.presence = Presence(self.ctx.hub, self.membership.member_id, self.ctx.visitor_activity,
                                 self.ctx.config.browsing_idle)
        self.ctx.hub.elsewhere = self.presence.connected
        self.ctx.presence = self.presence
        self.fence = SweepFence(self.lease)
        self.ctx.fence = self.fence
        await self.ctx.store.fanout.follow()
        await self._beat()
        fanout = self.ctx.store.fanout
        self.tasks = [asyncio.create_task(fanout.run()),
                      asyncio.create_task(fanout.poll(self.ctx.config.cluster_poll)),
                      asyncio.create_task(self._beating()), asyncio.create_task(self._pulse())]
        self.keeper = LeaseKeeper(self.ctx.config.db_path, self.lease, lambda: self.loop_seen)
        self.keeper.start()
        await asyncio.to_thread(self.keeper.first_done.wait, 30)
        if self.notify is not None:
            self.tasks.append(asyncio.create_task(self.notify.run()))
        log.info("cluster member %s, bus on %s:%d, %s", self.member_id, self.ctx.config.bus_host,
                 self.bus.port, "holding the sweeper lease" if self.sweeper() else "not the sweeper")

    def processes(self) -> int:
        """Live processes on the database (this one included), as of the last heartbeat."""
        return self._processes

    def sweeper(self) -> bool:
        return self.lease is not None and self.lease.held()

    def holding(self) -> float:
        """The sweeper lease's current holding (its token), 0 when not provably ours."""
        return self.lease.holding() if self.lease is not None else 0.0

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.keeper is not None:
            await asyncio.to_thread(self.keeper.stop, True)       # releases the lease
        if self.fence is not None:
            self.fence.close()
        with contextlib.suppress(Exception):
            async with self.ctx.db.write() as conn:
                if self.membership is not None:
                    await self.membership.leave(conn)
        self.bus.close()
        self.ctx.hub.elsewhere = None
        self.ctx.presence = None

    async def _beat(self) -> None:
        assert self.membership is not None and self.lease is not None and self.presence is not None
        now = time.time()
        try:
            async with self.ctx.db.write() as conn:
                rejoined = await self.membership.beat(conn, now)
                await self.presence.write(conn, now, rejoined=rejoined)
                if now - self._presence_at >= self.presence_every():
                    await self._keep_visitors_seen(conn, now)
                    self._presence_at = now
        except BaseException:
            self.presence.unsure()
            raise
        async with self.ctx.store.read() as conn:
            peers = await live_peers(conn, self.member_id, now)
            await self.presence.follow(conn, peers)
            revoked = await self._revoked_here(conn)
        self.bus.peers = [(p.bus_host, p.bus_port) for p in peers]
        for token in revoked:     # a logout elsewhere whose datagram did not arrive: ends here too
            self.ctx.hub.revoke_here(token)
        self._processes = len(self.bus.peers) + 1

    async def _beating(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT)
            try:
                await self._beat()
            except asyncio.CancelledError:
                raise
            except Exception:     # a busy database: the lease lapses after TTL, the next beat retries
                log.exception("cluster heartbeat failed")

    async def _pulse(self) -> None:
        while True:
            self.loop_seen = time.monotonic()
            await asyncio.sleep(PULSE)

    async def _revoked_here(self, conn) -> list[str]:
        """Tokens of this process's staff streams that were revoked (by a logout anywhere)."""
        held = sorted({s.token_hash for s in self.ctx.hub.subscribers if s.token_hash and not s.revoked})
        found: list[str] = []
        for i in range(0, len(held), CHUNK):
            found += (await conn.execute(select(T.c.token_hash).where(
                T.c.token_hash.in_(held[i:i + CHUNK]), T.c.revoked_at.is_not(None)))).scalars()
        return found

    def presence_every(self) -> float:
        return max(HEARTBEAT, min(10.0, self.ctx.config.visitor_timeout / 4))

    async def _keep_visitors_seen(self, conn, now: float) -> None:
        """last_seen = now for the waiting visitors this process sees (a stream, or activity
        within the visitor timeout): only their own process knows they are still there."""
        ctx = self.ctx
        active = now - 1.5 * self.presence_every()
        here = set(ctx.hub.visitor_streams) | {v for v, t in ctx.visitor_activity.items() if t > active}
        if not here:
            return
        waiting = set((await conn.execute(select(C.c.visitor_id).where(C.c.state == "queued"))).scalars())
        ids = sorted(here & waiting)
        for i in range(0, len(ids), CHUNK):
            await conn.execute(update(V).where(V.c.id.in_(ids[i:i + CHUNK])).values(last_seen=now))
