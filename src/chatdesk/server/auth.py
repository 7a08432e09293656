"""Passwords (scrypt), bearer tokens (random, stored only as sha256) and the request dependencies
that turn a token into the operator or visitor making the call."""
from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import select

from chatdesk.protocol.models import STAFF_ROLES

from . import schema
from .errors import ApiError
from .passwords import DUMMY_HASH, hash_password, new_token, token_hash, verify_password  # noqa: F401


class LoginThrottle:
    """Slows password guessing a little: each recent failure for an e-mail or a client address adds
    a delay before the next attempt is checked (capped). No lockout: that would let anyone lock a
    colleague out, or everyone behind one proxy address."""

    WINDOW = 300.0
    STEP = 0.25
    MAX_DELAY = 2.0

    def __init__(self) -> None:
        self._failures: dict[str, list[float]] = {}
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    @contextlib.asynccontextmanager
    async def one_at_a_time(self, email: str):
        """Attempts for one e-mail run one after another, so parallel guesses wait their delays too."""
        lock, users = self._locks.setdefault(email, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:           # nobody else waiting: forget it
                self._locks.pop(email, None)

    def _recent(self, key: str) -> list[float]:
        cutoff = time.monotonic() - self.WINDOW
        kept = [t for t in self._failures.get(key, []) if t > cutoff]
        if kept:
            self._failures[key] = kept
        else:
            self._failures.pop(key, None)
        return kept

    async def before_attempt(self, *keys: str) -> None:
        failures = max(len(self._recent(k)) for k in keys)
        if failures:
            await asyncio.sleep(min(self.MAX_DELAY, self.STEP * failures))

    def failed(self, *keys: str) -> None:
        for k in keys:
            self._failures.setdefault(k, []).append(time.monotonic())
        if len(self._failures) > 10_000:  # bound memory under a spray of random e-mails
            for k in list(self._failures)[:5_000]:
                self._failures.pop(k, None)

    def succeeded(self, *keys: str) -> None:
        for k in keys:
            self._failures.pop(k, None)


@dataclass(frozen=True)
class Actor:
    """The authenticated operator of a request or stream."""
    id: int
    name: str
    role: str

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def actor_for_token(db, token: str | None) -> Actor | None:
    if not token:
        return None
    o, t = schema.operators, schema.operator_tokens
    async with db.read() as conn:
        row = (await conn.execute(
            select(o.c.id, o.c.name, o.c.role).join(t, t.c.operator_id == o.c.id)
            .where(t.c.token_hash == token_hash(token), t.c.revoked_at.is_(None)))).first()
    return Actor(row.id, row.name, row.role) if row else None


async def visitor_for_token(db, token: str | None) -> str | None:
    if not token:
        return None
    t = schema.visitor_tokens
    async with db.read() as conn:
        return (await conn.execute(select(t.c.visitor_id).where(t.c.token_hash == token_hash(token)))).scalar()


async def current_operator(request: Request) -> Actor:
    actor = await actor_for_token(request.app.state.ctx.db, bearer(request))
    if actor is None:
        raise ApiError(401, "unauthorized", "Log in first: this needs a valid operator token.")
    return actor


async def current_visitor(request: Request) -> str:
    visitor_id = await visitor_for_token(request.app.state.ctx.db, bearer(request))
    if visitor_id is None:
        raise ApiError(401, "unauthorized", "Start a visitor session first: this needs a valid visitor token.")
    request.app.state.limits.visitor.check(visitor_id)      # 429 over --visitor-rate (limits.py)
    return visitor_id


def require_staff(actor: Actor, doing: str) -> None:
    if not actor.is_staff:
        raise ApiError(403, "forbidden", f"Only a supervisor, trainer or admin can {doing}.")
