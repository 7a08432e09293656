"""The login gate: password checks run in a small pool of their own, off the event loop, and a
flood of logins is refused cheaply before it costs a hash (docs/security.md, "Login flood").

- `hashers` threads verify passwords (scrypt releases the GIL); they run at a lower CPU priority
  than the event loop, so chat keeps its core while logins wait.
- At most `waiting` logins are in the gate at once (waiting for a hasher or being checked);
  beyond that a login gets 429 at once.
- At most `per_address` logins in the gate from one client address, and `per_account` for one
  e-mail; beyond those, 429.
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

from ..services.errors import TooMany
from .passwords import verify_password

DEFAULT_HASHERS = 1
DEFAULT_WAITING = 32
DEFAULT_PER_ADDRESS = 8
DEFAULT_PER_ACCOUNT = 3
HASHER_NICENESS = 10


def _lower_priority() -> None:
    """Runs in each hasher thread: a nicer thread yields the CPU to the event loop's thread."""
    with contextlib.suppress(AttributeError, OSError):    # not Linux, or not allowed
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHER_NICENESS)


class LoginGate:
    def __init__(self, hashers: int = DEFAULT_HASHERS, waiting: int = DEFAULT_WAITING,
                 per_address: int = DEFAULT_PER_ADDRESS, per_account: int = DEFAULT_PER_ACCOUNT):
        self._pool = ThreadPoolExecutor(max(1, hashers), thread_name_prefix="chatdesk-hash",
                                        initializer=_lower_priority)
        self.waiting, self.per_address, self.per_account = waiting, per_address, per_account
        self._inside = 0
        self._by_key: dict[str, int] = {}
        self._hashing = 0            # jobs handed to the pool and not finished (a cancelled
        self._lock = threading.Lock()  # request's job may still run: it keeps its place)

    @contextlib.asynccontextmanager
    async def admit(self, address: str, email: str) -> AsyncIterator[None]:
        """A place in the gate for one attempt, or TooMany (429) with a sentence."""
        keys = [(f"addr:{address}", self.per_address, "from this address"),
                (f"email:{email}", self.per_account, "for this account")]
        for key, cap, where in keys:
            if cap and self._by_key.get(key, 0) >= cap:
                raise TooMany(f"Too many logins {where} are being checked right now; "
                              "try again in a second.", retry_after=1)
        if self.waiting and self._inside >= self.waiting:
            raise TooMany("The server is busy checking other logins; try again in a second.", retry_after=1)
        self._inside += 1
        for key, _cap, _where in keys:
            self._by_key[key] = self._by_key.get(key, 0) + 1
        try:
            yield
        finally:
            self._inside -= 1
            for key, _cap, _where in keys:
                left = self._by_key[key] - 1
                if left:
                    self._by_key[key] = left
                else:
                    del self._by_key[key]

    async def verify(self, password: str, stored: str) -> bool:
        """The password check, in the hashers' pool. The global cap also counts jobs whose request
        went away, so a client that keeps disconnecting cannot pile up work for the pool."""
        if self.waiting and self._hashing >= self.waiting:
            raise TooMany("The server is busy checking other logins; try again in a second.", retry_after=1)
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
