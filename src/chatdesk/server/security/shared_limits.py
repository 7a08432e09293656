"""Rate limits and the login throttle shared by every process on the database (--cluster), so N
processes together admit what one would: no limit is exceeded N-fold.

Rate limits: one token bucket per (limiter, key) in the rate_buckets table, refilled at the
limit's rate. A process borrows tokens in batches (a quarter of the bucket split over the live
processes, at least one) in one short write, and spends them locally; a batch left unspent for
ALLOWANCE_TTL seconds is dropped. Tokens are only ever taken from the shared row, so the processes
together admit at most the bucket plus the batches borrowed and still unspent — at most a quarter
more than one process would within a minute, however many processes there are.

Login throttle: the failures per e-mail and per address are a decaying count in the same table
(limiter "login_failures"), read before each attempt, so a guesser spread over the processes is
slowed as much as one talking to a single process.
"""
from __future__ import annotations

import contextlib
import math
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from ..storage import schema
from ..storage.db import AnyConn
from ..storage.engine import Database
from .limits import RateLimiter
from .throttle import LoginThrottle

B = schema.rate_buckets
ALLOWANCE_TTL = 5.0      # seconds a borrowed batch may wait to be spent
SHARE = 4                # a batch is capacity / (SHARE * live processes)
LOGIN_FAILURES = "login_failures"


async def _bucket(conn: AnyConn, limiter: str, key: str) -> Any:
    return (await conn.execute(select(B.c.tokens, B.c.updated_at).where(
        B.c.limiter == limiter, B.c.key == key))).first()


async def _store(conn: AnyConn, limiter: str, key: str, tokens: float, now: float, existed: bool) -> None:
    if existed:
        await conn.execute(update(B).where(B.c.limiter == limiter, B.c.key == key)
                           .values(tokens=tokens, updated_at=now))
    else:
        await conn.execute(insert(B).values(limiter=limiter, key=key, tokens=tokens, updated_at=now))


class SharedRateLimiter(RateLimiter):
    """RateLimiter's answers (the wait until a token), from one bucket for all processes."""

    def __init__(self, name: str, per_minute: int, who: str, db: Database, processes: Callable[[], int]):
        super().__init__(per_minute, who)
        self.name, self.db, self.processes = name, db, processes
        self._allowance: dict[str, tuple[float, float]] = {}     # key -> (tokens, spend before)
        self.borrows = 0

    def batch(self) -> float:
        return max(1.0, math.floor(self.capacity / (SHARE * max(1, self.processes()))))

    async def take(self, key: str, conn: AnyConn | None = None) -> float:
        if self.capacity <= 0:
            return 0.0
        now = time.monotonic()
        tokens, until = self._allowance.get(key, (0.0, 0.0))
        if tokens >= 1.0 and until > now:
            self._allowance[key] = (tokens - 1.0, until)
            return 0.0
        if conn is not None:         # inside the caller's write transaction
            got, wait = await self._borrow(conn, key)
        else:
            async with self._write() as own:
                got, wait = await self._borrow(own, key)
        if got >= 1.0:       # added to what concurrent borrowers for this key brought meanwhile
            left, until = self._allowance.get(key, (0.0, 0.0))
            self._allowance[key] = ((left if until > now else 0.0) + got - 1.0, now + ALLOWANCE_TTL)
            if len(self._allowance) > self.MAX_KEYS:
                self._allowance = {k: v for k, v in self._allowance.items() if v[1] > now}
            return 0.0
        return wait

    @contextlib.asynccontextmanager
    async def _write(self) -> AsyncIterator[AnyConn]:
        for attempt in range(3):       # two processes creating one row at once: the loser retries
            try:
                async with self.db.write() as conn:
                    yield conn
                return
            except IntegrityError:
                if attempt == 2:
                    raise

    async def _borrow(self, conn: AnyConn, key: str) -> tuple[float, float]:
        """(tokens taken, seconds until one is free if none)."""
        now = time.time()
        row = await _bucket(conn, self.name, key)
        tokens = self.capacity if row is None else min(self.capacity, row.tokens + max(0.0, now - row.updated_at) * self.rate)
        take = min(self.batch(), math.floor(tokens))
        await _store(conn, self.name, key, tokens - take, now, row is not None)
        self.borrows += 1
        if take >= 1:
            return float(take), 0.0
        return 0.0, (1.0 - tokens) / self.rate


class SharedLoginThrottle(LoginThrottle):
    """LoginThrottle's delays, from failures counted in the database by every process."""

    def __init__(self, db: Database):
        super().__init__()
        self.db = db

    def _decayed(self, row: Any, now: float) -> float:
        if row is None:
            return 0.0
        # a failure counts for WINDOW seconds: the count drains at one per WINDOW / count
        return max(0.0, row.tokens - max(0.0, now - row.updated_at) * (row.tokens / self.WINDOW))

    async def before_attempt(self, *keys: str) -> None:
        now = time.time()
        async with self.db.read() as conn:
            counts = [self._decayed(await _bucket(conn, LOGIN_FAILURES, k), now) for k in keys]
        failures = math.ceil(max(counts, default=0.0))
        if failures:
            import asyncio
            await asyncio.sleep(min(self.MAX_DELAY, self.STEP * failures))

    async def failed(self, *keys: str) -> None:
        now = time.time()
        async with self.db.write() as conn:
            for k in keys:
                row = await _bucket(conn, LOGIN_FAILURES, k)
                await _store(conn, LOGIN_FAILURES, k, self._decayed(row, now) + 1.0, now, row is not None)

    async def succeeded(self, *keys: str) -> None:
        async with self.db.write() as conn:
            for k in keys:
                await conn.execute(update(B).where(B.c.limiter == LOGIN_FAILURES, B.c.key == k)
                                   .values(tokens=0.0, updated_at=time.time()))


def share_limits(ctx: Any, limits: Any, processes: Callable[[], int]) -> None:
    """Swap every per-process rate limit and the login throttle for its shared twin (same
    settings). ctx: ServerContext; limits: the app's security.limits.Limits."""
    db = ctx.db

    def shared(name: str, old: RateLimiter) -> SharedRateLimiter:
        return SharedRateLimiter(name, int(old.capacity), old.who, db, processes)

    limits.visitor = shared("visitor", limits.visitor)
    limits.address = shared("address", limits.address)
    ctx.chats.address_rate = shared("new_chats_address", ctx.chats.address_rate)
    ctx.chats.visitor_rate = shared("new_chats_visitor", ctx.chats.visitor_rate)
    ctx.requests.address_rate = shared("new_requests_address", ctx.requests.address_rate)
    ctx.throttle = SharedLoginThrottle(db)
