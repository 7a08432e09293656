"""The enabled opener rules, kept in memory for the heartbeat: read once, then again only after an
`opener_rules.changed` event was published (services/opener_rules.py writes one with every
change). The event reaches the hub after its commit, so a reload never reads a change that a
later commit could still undo, and a change committed by another server process arrives the way
every other event does (the hub delivers all committed events to every process).

The rule: the cache listens before it reads, so a change that lands during a reload is heard and
read again on the next beat, never missed."""
from __future__ import annotations

from typing import Any

from chatdesk.protocol import events as ev

from ..eventlog.hub import Hub, Subscriber
from ..storage.db import AnyConn
from . import opener_rules


class RuleCache:
    def __init__(self, hub: Hub) -> None:
        self._heard = Subscriber(accepts=lambda row: row.type == ev.OPENER_RULES_CHANGED)
        hub.subscribe(self._heard)
        self._rules: list[dict[str, Any]] | None = None
        self.loads = 0                     # how many times the rules were read (docs, tests)

    def _stale(self) -> bool:
        heard = False
        while not self._heard.queue.empty():
            self._heard.queue.get_nowait()
            heard = True
        # A slow reader would be dropped from a stream; here it only means "read again".
        if self._heard.overflowed:
            self._heard.overflowed, heard = False, True
        return heard or self._rules is None

    async def enabled(self, conn: AnyConn) -> list[dict[str, Any]]:
        """The enabled rules by priority (first decides), read through `conn` only when changed."""
        if self._stale():
            self._rules = await opener_rules.listed(conn, enabled_only=True)
            self.loads += 1
        assert self._rules is not None
        return self._rules
