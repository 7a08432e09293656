"""What the sweeps ask before they act: can this process prove it holds the sweeper lease?

- `proven()`, before each step (a sweep pass, a delivery about to be sent): the lease's monotonic
  deadline has not passed (lease.py). No query. A process resumed after a stall longer than the
  lease finds its deadline gone and stops at its next step, before its loop notices anything else.
- `check(conn)`, first thing in each write transaction of the sweeps: the same, and the row still
  names this process and this holding's token. Writes are serial (the write lock), and a take is a
  write, so between this check and the commit no other process can take the lease: no sweep write
  of an old holder can land after a new holder's take, even if this process stalled between its
  own last look and the write. A refused write raises LeaseLost and rolls back.

Each holding's steps are counted and logged when it ends (the first and the last proven step), so
the log shows that no two holdings acted in the same window; refusals log at most once a minute.
A process alone (no --cluster) uses AlwaysHeld."""
from __future__ import annotations

import logging
import time
from typing import Protocol

from sqlalchemy import select

from ..security.quiet_log import OncePer
from ..storage import schema
from ..storage.db import AnyConn
from .lease import Lease

log = logging.getLogger("chatdesk.server.cluster")
L = schema.leases


class LeaseLost(Exception):
    """This process cannot prove it holds the sweeper lease: the step must not act."""


class Fence(Protocol):
    def proven(self) -> bool: ...

    async def check(self, conn: AnyConn) -> None: ...

    def close(self) -> None: ...


class AlwaysHeld:
    """One process on its database: it is the only sweeper there is."""

    def proven(self) -> bool:
        return True

    async def check(self, conn: AnyConn) -> None:
        return None

    def close(self) -> None:
        return None


class SweepFence:
    def __init__(self, lease: Lease):
        self.lease = lease
        self.refused = 0
        self._holding = 0.0
        self._steps = 0
        self._first = self._last = 0.0
        self._quiet = OncePer(log, 60.0, logging.INFO)

    def proven(self) -> bool:
        if not self._locally():
            return False
        self._step()
        return True

    async def check(self, conn: AnyConn) -> None:
        if not self._locally():
            raise LeaseLost
        row = (await conn.execute(select(L.c.holder, L.c.taken_at).where(L.c.name == self.lease.name))).first()
        if row is None or row.holder != self.lease.holder or float(row.taken_at) != self._holding:
            self._refuse("the lease's row names another holding")
            raise LeaseLost
        self._step()

    def _locally(self) -> bool:
        token = self.lease.holding()
        if token != self._holding:
            self.close()
            self._holding = token
        if not token:
            self._refuse("its deadline has passed")
        return bool(token)

    def _step(self) -> None:
        now = time.time()
        if not self._steps:
            self._first = now
        self._steps += 1
        self._last = now

    def close(self) -> None:
        """Logs the holding that ended (on a change of holding, and when the process stops)."""
        if self._steps:
            log.info("cluster member %s: sweeper holding %r ended: %d sweep steps, the first at %.6f, "
                     "the last at %.6f", self.lease.holder, self._holding, self._steps, self._first, self._last)
        self._steps = 0

    def _refuse(self, why: str) -> None:
        self.refused += 1
        self._quiet.note("refused", "cluster member %s: a sweep step was refused, %s (%d refused so far)",
                         self.lease.holder, why, self.refused)
