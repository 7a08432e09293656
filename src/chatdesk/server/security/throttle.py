"""The login throttle: failed password attempts slow the next ones down (no lockout)."""
from __future__ import annotations

import asyncio
import contextlib
import time


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

    async def failed(self, *keys: str) -> None:
        for k in keys:
            self._failures.setdefault(k, []).append(time.monotonic())
        if len(self._failures) > 10_000:  # bound memory under a spray of random e-mails
            for k in list(self._failures)[:5_000]:
                self._failures.pop(k, None)

    async def succeeded(self, *keys: str) -> None:
        for k in keys:
            self._failures.pop(k, None)
