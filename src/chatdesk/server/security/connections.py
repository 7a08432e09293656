"""Bounded connections (docs/security.md): every TCP connection the server accepts is counted here,
so open files never run out and visitors never lock staff out.

- In all at most `max_connections` (from the open-file limit, see fd_limit.py). Of these, connections
  not known to be staff (the "general" pool) hold at most `max_connections - staff_reserve`, and at
  most `per_address` from one client address.
- A connection that is waiting for a request head, or a websocket that has not authenticated yet,
  is idle and may be displaced: a newcomer over a cap closes the oldest idle connection in that
  cap's scope (the same address when the address is full, else anyone's) instead of being refused.
- Over the general caps with nothing to displace, a newcomer is taken on probation into the staff
  reserve (at most PROBATION_PER_ADDRESS per address): its first request must be a login, carry an
  operator's token or open the operator stream (security/priority.py), else it is answered 503 `busy`.
- No room at all: the connection is answered 503 at once and closed, never read.
- Deadlines, checked once a second: a request head must be complete within `header_timeout`
  seconds; a request body may not stall for `idle_timeout`; a websocket must authenticate within
  `auth_timeout` (the streams enforce it too). Idle keep-alive connections close after `idle_timeout`.
Refusals and displacements log one summary line a minute at most (quiet_log.py).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Any, Protocol

from .quiet_log import OncePer

log = logging.getLogger("chatdesk.server.connections")

SCOPE_KEY = "chatdesk.connection"     # where a request's Connection sits in scope["state"]
PROBATION_PER_ADDRESS = 8
AUTH_GRACE = 2.0
GENERAL, PROBATION, STAFF = "general", "probation", "staff"
HEAD, BUSY, WS_PENDING, WS_LIVE = "head", "busy", "ws-pending", "ws-live"
IDLE_STATES = (HEAD, WS_PENDING)


class Closable(Protocol):
    def close(self) -> None: ...
    def is_closing(self) -> bool: ...


class BodyReader(Protocol):
    def reading_body(self) -> bool: ...


@dataclass(frozen=True)
class ConnectionLimits:
    max_connections: int
    per_address: int = 100            # 0: no per-address cap (behind a reverse proxy)
    staff_reserve: int = 16
    header_timeout: float = 10.0
    idle_timeout: float = 5.0
    auth_timeout: float = 10.0


class Connection:
    """One accepted TCP connection, from accept to close (HTTP, then perhaps a websocket)."""
    __slots__ = ("guard", "address", "pool", "state", "since", "last_data", "transport", "protocol", "open")

    def __init__(self, guard: ConnectionGuard, address: str, pool: str):
        self.guard = guard
        self.address = address
        self.pool = pool
        self.state = HEAD
        self.since = self.last_data = time.monotonic()
        self.transport: Closable | None = None
        self.protocol: BodyReader | None = None
        self.open = True

    @property
    def probation(self) -> bool:
        return self.pool == PROBATION


class ConnectionGuard:
    def __init__(self, limits: ConnectionLimits):
        self.limits = limits
        self.general_cap = max(1, limits.max_connections - limits.staff_reserve)
        self.total = 0
        self.count: Counter[str] = Counter()                   # per pool
        self.by_address: dict[str, Counter[str]] = {GENERAL: Counter(), PROBATION: Counter()}
        self._idle: dict[str | None, OrderedDict[Connection, None]] = {}   # None: every address
        self._idle_pool: dict[Any, OrderedDict[Connection, None]] = {}
        self._summary = OncePer(log)
        self._events: Counter[str] = Counter()
        self._busiest: Counter[str] = Counter()
        self._busy: set[Connection] = set()
        self._task: asyncio.Task[None] | None = None

    # --- admission, at accept ---------------------------------------------------------------------

    def admit(self, address: str) -> Connection | None:
        """A Connection for a newcomer from `address` (displacing an idle one if need be), or None."""
        cap = self.limits.per_address
        address_full = bool(cap) and self.by_address[GENERAL][address] >= cap
        if not address_full and self.count[GENERAL] < self.general_cap and self.total < self.limits.max_connections:
            return self._add(address, GENERAL)
        victim = self._oldest_idle(GENERAL, address if address_full else None)
        if victim is not None:
            self._displace(victim, address)
            return self._add(address, GENERAL)
        if self.by_address[PROBATION][address] >= PROBATION_PER_ADDRESS:
            victim = self._oldest_idle(PROBATION, address)
        elif self.total >= self.limits.max_connections:
            victim = self._oldest_idle(None, None)
        else:
            return self._add(address, PROBATION)
        if victim is None:
            self._note("refused", address)
            return None
        self._displace(victim, address)
        return self._add(address, PROBATION)

    def _add(self, address: str, pool: str) -> Connection:
        conn = Connection(self, address, pool)
        self.total += 1
        self.count[pool] += 1
        if pool in self.by_address:
            self.by_address[pool][address] += 1
        return conn

    def _displace(self, victim: Connection, newcomer: str) -> None:
        self._note("displaced", newcomer)
        transport = victim.transport
        self.release(victim)
        if transport is not None and not transport.is_closing():
            transport.close()

    # --- the protocols report what a connection is doing -------------------------------------------

    def attached(self, conn: Connection, transport: Closable, protocol: BodyReader | None) -> None:
        conn.transport, conn.protocol = transport, protocol
        if conn.open and conn.state in IDLE_STATES:
            self._set_idle(conn, True)

    def set_state(self, conn: Connection, state: str) -> None:
        if not conn.open or conn.state == state:
            return
        self._set_idle(conn, False)
        conn.state, conn.since = state, time.monotonic()
        if state == BUSY:
            self._busy.add(conn)
        else:
            self._busy.discard(conn)
        if state in IDLE_STATES and conn.transport is not None:
            self._set_idle(conn, True)

    def promote(self, conn: Connection) -> None:
        """The connection turned out to be staff: it leaves the general and probation counts."""
        if not conn.open or conn.pool == STAFF:
            return
        idle = conn in self._idle_pool.get(conn.pool, {})
        self._set_idle(conn, False)
        self._uncount(conn)
        conn.pool = STAFF
        self.total += 1
        self.count[STAFF] += 1
        if idle:
            self._set_idle(conn, True)

    def release(self, conn: Connection) -> None:
        if not conn.open:
            return
        self._set_idle(conn, False)
        self._busy.discard(conn)
        self._uncount(conn)
        conn.open = False
        conn.transport = conn.protocol = None     # the protocol holds conn: no cycle left behind

    def _uncount(self, conn: Connection) -> None:
        self.total -= 1
        self.count[conn.pool] -= 1
        per = self.by_address.get(conn.pool)
        if per is not None:
            per[conn.address] -= 1
            if per[conn.address] <= 0:
                del per[conn.address]

    # --- idle connections, oldest first --------------------------------------------------------------

    def _set_idle(self, conn: Connection, idle: bool) -> None:
        for bucket in (self._bucket(self._idle, None, idle), self._bucket(self._idle, conn.address, idle),
                       self._bucket(self._idle_pool, conn.pool, idle)):
            if bucket is None:
                continue
            if idle:
                bucket[conn] = None
            else:
                bucket.pop(conn, None)
        if not idle:
            for table, key in ((self._idle, conn.address), (self._idle_pool, conn.pool)):
                if key in table and not table[key]:
                    del table[key]

    @staticmethod
    def _bucket(table: dict[Any, OrderedDict[Connection, None]], key: str | None,
                create: bool) -> OrderedDict[Connection, None] | None:
        return table.setdefault(key, OrderedDict()) if create else table.get(key)

    def _oldest_idle(self, pool: str | None, address: str | None) -> Connection | None:
        """The oldest idle connection of `pool` (None: any) from `address` (None: any)."""
        bucket = self._idle.get(address) if pool is None or address is not None else self._idle_pool.get(pool)
        for conn in bucket or ():
            if pool is None or conn.pool == pool:
                return conn
        return None

    # --- deadlines and the log line ------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._sweeper())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _sweeper(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            self.sweep(time.monotonic())

    def sweep(self, now: float) -> None:
        lim = self.limits
        for conn in list(self._idle.get(None, ())):
            # The streams close a websocket at its auth deadline themselves (with 4401); this is
            # the backstop for one whose handler never got that far.
            deadline = lim.header_timeout if conn.state == HEAD else lim.auth_timeout + AUTH_GRACE
            if now - conn.since > deadline:
                self._close(conn, "timed_out")
        for conn in [c for c in self._busy if c.protocol is not None and c.protocol.reading_body()]:
            if now - conn.last_data > lim.idle_timeout:
                self._close(conn, "timed_out")
        if self._events:
            self._report()

    def _close(self, conn: Connection, why: str) -> None:
        self._events[why] += 1
        transport = conn.transport
        self.release(conn)
        if transport is not None and not transport.is_closing():
            transport.close()

    def _note(self, what: str, address: str) -> None:
        self._events[what] += 1
        self._busiest[address] += 1
        self._report()

    def _report(self) -> None:
        if not (self._events["refused"] or self._events["displaced"] or self._events["shed"]):
            return
        ev, top = self._events, self._busiest.most_common(1)
        if self._summary.note("connections", "connection limits: %d refused, %d idle closed for newcomers, "
                              "%d past a deadline, %d shed for want of files (caps: %s per address, "
                              "%d in all, %d kept for staff); most from %s",
                              ev["refused"], ev["displaced"], ev["timed_out"], ev["shed"],
                              self.limits.per_address or "none", self.limits.max_connections,
                              self.limits.staff_reserve, top[0][0] if top else "-"):
            self._events.clear()
            self._busiest.clear()

    def shed(self) -> None:
        """The accept loop closed a connection because the process ran out of files."""
        self._note("shed", "-")


def connection_of(scope: Any) -> Connection | None:
    """The Connection behind an ASGI scope; None when the app runs without the guarded server."""
    state = scope.get("state")
    conn = state.get(SCOPE_KEY) if isinstance(state, dict) else None
    return conn if isinstance(conn, Connection) else None
