"""The sweeper's lease: work exactly one process does at a time (auto-assign, requeue, missed
chats, the outbox's deliveries). A row in `leases`; the holder renews it every heartbeat for TTL
seconds, anyone takes it once it has expired. A holder counts itself the holder only until its own
expiry minus MARGIN, so a process whose loop stalled stops sweeping before another one can take
over. Take-over after the holder dies: at most TTL + one heartbeat (3.5 s), leaving 1.5 s of
the 5 s promise for heartbeats that run late on a loaded machine."""
from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from ..storage import schema
from ..storage.db import AnyConn

L = schema.leases
TTL = 3.0
MARGIN = 0.5


@dataclass
class Lease:
    name: str
    holder: str
    expires_at: float = 0.0       # of our own holding; 0: not ours
    taken: int = 0                # how often we took it (not renewals)

    def held(self, now: float | None = None) -> bool:
        return (now if now is not None else time.time()) < self.expires_at - MARGIN

    async def renew_or_take(self, conn: AnyConn, now: float) -> bool:
        """Inside a write transaction: keep our lease, or take an expired or missing one."""
        until = now + TTL
        got = (await conn.execute(update(L).where(L.c.name == self.name, L.c.holder == self.holder)
                                  .values(expires_at=until))).rowcount
        if not got:
            got = (await conn.execute(update(L).where(L.c.name == self.name, L.c.expires_at < now)
                                      .values(holder=self.holder, expires_at=until, taken_at=now))).rowcount
        if not got:
            row = (await conn.execute(select(L.c.holder).where(L.c.name == self.name))).first()
            if row is None:
                await conn.execute(insert(L).values(name=self.name, holder=self.holder, expires_at=until,
                                                    taken_at=now))
                got = 1
        if got and not self.held(now):
            self.taken += 1
        self.expires_at = until if got else 0.0
        return bool(got)

    async def release(self, conn: AnyConn) -> None:
        """On a clean stop: the next process takes over at its next heartbeat, not after TTL."""
        await conn.execute(update(L).where(L.c.name == self.name, L.c.holder == self.holder)
                           .values(expires_at=0.0))
        self.expires_at = 0.0
