"""The sweeper's lease: work exactly one process does at a time (auto-assign, requeue, missed
chats, the outbox's deliveries). A row in `leases`; the holder renews it every RENEW_EVERY for TTL
seconds (lease_keeper.py, on its own thread), anyone takes it once it has expired.

Each holding has a token, the `taken_at` the take wrote: a write of the sweeps checks it (fence.py)
so that a holder that lost the lease, and took it again later, cannot act on the old holding.
A holder counts itself the holder only until a monotonic deadline: the moment it began the write
that renewed the lease, plus TTL - MARGIN. The row's expiry is that moment's wall time plus TTL, so
the holder stops MARGIN before another process may take over, whatever its loop did meanwhile
(a jump of the wall clock does not move the deadline; the processes must agree on the wall time to
within MARGIN, which one host does). Take-over after the holder dies: at most TTL + one renewal
(3.5 s), leaving 1.5 s of the 5 s promise for renewals that run late on a loaded machine."""
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
    token: float = 0.0            # taken_at of our holding; 0: not ours
    valid_until: float = 0.0      # time.monotonic() deadline of our holding
    taken: int = 0                # how often we took it (not renewals)

    def held(self) -> bool:
        return self.token != 0.0 and time.monotonic() < self.valid_until

    def holding(self) -> float:
        """Our holding's token while we can prove we hold the lease, else 0."""
        token = self.token
        return token if token and time.monotonic() < self.valid_until else 0.0

    async def renew_or_take(self, conn: AnyConn, now: float, may_take: bool = True) -> float:
        """Inside a write transaction: keep our lease, or (may_take) take an expired or missing
        one. Returns the holding's token, 0.0 if another process holds it. `now` is the wall time
        read just before the transaction began; apply the result with `adopt` once it commits."""
        until = now + TTL
        row = (await conn.execute(select(L.c.holder, L.c.expires_at, L.c.taken_at)
                                  .where(L.c.name == self.name))).first()
        if row is not None and row.holder == self.holder:
            await conn.execute(update(L).where(L.c.name == self.name, L.c.holder == self.holder)
                               .values(expires_at=until))
            return float(row.taken_at)
        if not may_take or (row is not None and row.expires_at >= now):
            return 0.0
        if row is None:
            await conn.execute(insert(L).values(name=self.name, holder=self.holder, expires_at=until, taken_at=now))
        else:
            await conn.execute(update(L).where(L.c.name == self.name, L.c.expires_at < now)
                               .values(holder=self.holder, expires_at=until, taken_at=now))
        return now

    def adopt(self, token: float, began: float) -> bool:
        """The committed outcome of renew_or_take; `began` is time.monotonic() read with its `now`.
        True when this is a new holding (a take)."""
        new = bool(token) and token != self.token
        if new:
            self.taken += 1
        if token:                 # the loop reads these unlocked: never an old token with a new deadline
            if new:
                self.lose()
            self.valid_until = began + TTL - MARGIN
            self.token = token
        else:
            self.lose()
        return new

    def lose(self) -> None:
        self.token, self.valid_until = 0.0, 0.0

    async def release(self, conn: AnyConn) -> None:
        """On a clean stop: the next process takes over at its next renewal, not after TTL."""
        await conn.execute(update(L).where(L.c.name == self.name, L.c.holder == self.holder)
                           .values(expires_at=0.0))
        self.lose()
