"""Log lines that an attacker cannot turn into a flood: at most one line per key per period, and at
most MAX_LINES lines per period in all; a later line says how many were held back."""
from __future__ import annotations

import logging
import time


class OncePer:
    """`note(key, message, *args)`: logs if `key` has been quiet for `period` seconds and the
    period's budget of lines is not spent; otherwise counts the line as held back."""

    MAX_LINES = 20            # per period, over all keys (a spray of addresses stays small)

    def __init__(self, log: logging.Logger, period: float = 60.0, level: int = logging.WARNING):
        self.log = log
        self.period = period
        self.level = level
        self._last: dict[str, float] = {}
        self._window = (0.0, 0)           # (start, lines logged in it)
        self._held = 0

    def note(self, key: str, message: str, *args: object) -> bool:
        now = time.monotonic()
        start, lines = self._window
        if now - start >= self.period:
            start, lines = now, 0
            self._last = {k: t for k, t in self._last.items() if now - t < self.period}
        last = self._last.get(key)
        if (last is not None and now - last < self.period) or lines >= self.MAX_LINES:
            self._held += 1
            self._window = (start, lines)
            return False
        self._last[key] = now
        self._window = (start, lines + 1)
        if self._held:
            message += f" ({self._held} similar lines held back)"
            self._held = 0
        self.log.log(self.level, message, *args)
        return True
