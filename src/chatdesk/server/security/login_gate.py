"""The login gate: password checks run in a small pool of their own, off the event loop, and a
flood of logins is refused cheaply before it costs a hash (docs/security.md, "Login flood").

- `hashers` threads verify passwords (scrypt releases the GIL); they run at a lower CPU priority
  than the event loop, so chat keeps its core while logins wait.
- At most `waiting` logins are in the gate at once (waiting for a hasher or being checked) and
  `per_address` from one client address: both are checked by an ASGI middleware before the
  request is parsed, so a refusal costs next to nothing.
- At most `per_account` logins in the gate for one e-mail (checked once the body is read).
Past a cap the answer is 429 with a sentence, sent after TARPIT seconds (a sleeping task costs no
CPU, and a client that asks again at once is slowed to one attempt a second per connection).
Each cap is a count of attempts in progress, not a lockout: the moment one finishes, the next one
is let in. 0 turns a cap off.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import AsyncIterator
from concurrent.futures import Future, ThreadPoolExecutor

from chatdesk.protocol.limits import API_PREFIX

from ..api import errors
from ..services.errors import TooMany
from .limits import client_address
from .passwords import verify_password

HASHER_NICENESS = 10
TARPIT = 1.0                    # seconds before a refusal is sent (= its Retry-After)
LOGIN_PATH = API_PREFIX + "/auth/login"
BUSY = "The server is busy checking other logins; try again in a second."


def _lower_priority() -> None:
    """Runs in each hasher thread: a nicer thread yields the CPU to the event loop's thread."""
    with contextlib.suppress(AttributeError, OSError):    # not Linux, or not allowed
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHER_NICENESS)


class LoginGate:
    """The defaults are ServerConfig's (server/config.py)."""

    def __init__(self, hashers: int, waiting: int, per_address: int, per_account: int):
        self._pool = ThreadPoolExecutor(max(1, hashers), thread_name_prefix="chatdesk-hash",
                                        initializer=_lower_priority)
        self.waiting, self.per_address, self.per_account = waiting, per_address, per_account
        self._inside = 0
        self._by_key: dict[str, int] = {}
        self._hashing = 0            # jobs handed to the pool and not finished (a cancelled
        self._lock = threading.Lock()  # request's job may still run: it keeps its place)

    def enter(self, address: str) -> str | None:
        """A place in the gate for one attempt from `address` (None), or why not (a sentence).
        Every None is followed by one `leave(address)`."""
        key = f"addr:{address}"
        if self.per_address and self._by_key.get(key, 0) >= self.per_address:
            return "Too many logins from this address are being checked right now; try again in a second."
        if self.waiting and self._inside >= self.waiting:
            return BUSY
        self._inside += 1
        self._take(key)
        return None

    def leave(self, address: str) -> None:
        self._inside -= 1
        self._give(f"addr:{address}")

    @contextlib.asynccontextmanager
    async def account(self, email: str) -> AsyncIterator[None]:
        """A place for one attempt on this e-mail, or (after TARPIT) TooMany with a sentence."""
        key = f"email:{email}"
        if self.per_account and self._by_key.get(key, 0) >= self.per_account:
            await asyncio.sleep(TARPIT)
            raise TooMany("Too many logins for this account are being checked right now; "
                          "try again in a second.", retry_after=round(TARPIT))
        self._take(key)
        try:
            yield
        finally:
            self._give(key)

    def _take(self, key: str) -> None:
        self._by_key[key] = self._by_key.get(key, 0) + 1

    def _give(self, key: str) -> None:
        left = self._by_key[key] - 1
        if left:
            self._by_key[key] = left
        else:
            del self._by_key[key]

    async def verify(self, password: str, stored: str) -> bool:
        """The password check, in the hashers' pool. The global cap also counts jobs whose request
        went away, so a client that keeps disconnecting cannot pile up work for the pool."""
        if self.waiting and self._hashing >= self.waiting:
            raise TooMany(BUSY, retry_after=round(TARPIT))
        with self._lock:
            self._hashing += 1
        job: Future[bool] = self._pool.submit(verify_password, password, stored)
        job.add_done_callback(self._finished)
        return await asyncio.wrap_future(job)

    def _finished(self, _job: Future[bool]) -> None:
        with self._lock:
            self._hashing -= 1

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class LoginGuard:
    """ASGI middleware: POST /auth/login passes `LoginGate.enter` before anything else runs and
    holds its place until the answer is sent."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] != LOGIN_PATH or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        gate: LoginGate = scope["app"].state.ctx.logins
        address = client_address(scope)
        refusal = gate.enter(address)
        if refusal is not None:
            await asyncio.sleep(TARPIT)
            response = errors.body("rate_limited", refusal, 429)
            response.headers["Retry-After"] = str(round(TARPIT))
            return await response(scope, receive, send)
        try:
            return await self.app(scope, receive, send)
        finally:
            gate.leave(address)
