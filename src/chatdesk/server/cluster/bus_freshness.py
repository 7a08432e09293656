"""Freshness of the cluster bus's datagrams (bus.py): each carries, under its HMAC, a stamp of
STAMP.size bytes: the sender's boot id (random, new every time a process starts), the sender's
counter (1, 2, 3, ... per datagram it sends) and its send time (wall clock, seconds).

The receiver's rule: a datagram is fresh when its send time is within ±WINDOW seconds of the
receiver's clock and its counter is above every counter already accepted under its boot id; any
other is dropped. So a datagram recorded off the network and sent again is dropped whether it is
resent at once (its counter was passed) or later (its time left the window). A process that
restarts has a new boot id, so its counter starting again at 1 is accepted. A datagram that
arrives after a later one from the same sender is dropped too: the bus is best effort.

A boot id is forgotten once the newest send time accepted under it has left the window: every
datagram it stamped is then outside the window anyway, so forgetting lets none back in."""
from __future__ import annotations

import secrets
import struct

WINDOW = 30.0                       # seconds either side: hosts on NTP agree far closer than this
STAMP = struct.Struct("!8sQd")      # boot id, counter, send time


class Stamper:
    """The sending side: one per process, a boot id of its own and a counter from 1."""

    def __init__(self) -> None:
        self.boot_id = secrets.token_bytes(8)
        self.counter = 0

    def stamp(self, now: float) -> bytes:
        self.counter += 1
        return STAMP.pack(self.boot_id, self.counter, now)


class Freshness:
    """The receiving side: per boot id, the highest counter and the newest send time accepted."""

    def __init__(self, window: float = WINDOW) -> None:
        self.window = window
        self._senders: dict[bytes, tuple[int, float]] = {}

    def check(self, stamp: bytes, now: float) -> str:
        """"" for a fresh stamp (and remembers it), else why not: "stale" or "replayed"."""
        boot_id, counter, sent = STAMP.unpack(stamp)
        if not abs(now - sent) <= self.window:           # NaN fails this too
            return "stale"
        seen = self._senders.get(boot_id)
        if seen is None:
            self._forget_gone(now)
        elif counter <= seen[0]:
            return "replayed"
        self._senders[boot_id] = (counter, max(sent, seen[1]) if seen else sent)
        return ""

    def _forget_gone(self, now: float) -> None:
        self._senders = {b: s for b, s in self._senders.items() if s[1] >= now - self.window}

    def senders(self) -> int:
        return len(self._senders)
