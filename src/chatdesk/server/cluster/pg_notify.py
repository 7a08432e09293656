"""Wake-ups through Postgres LISTEN/NOTIFY (`--cluster-wake notify`, Postgres only): after each
local commit this process sends NOTIFY chatdesk_events with the newest event id only (the rows
are read from the table, so the 8,000-byte payload limit never matters), and LISTENs on the same
dedicated connection; a notification wakes the fan-out's catch-up read.

NOTIFY reaches only listeners connected at that moment: after a dropped connection the listener
reconnects and catches up from the table, and the poll (--cluster-poll) stays on as the safety
net. Sends are collapsed: while one is in flight, newer commits only raise the id the next one
carries, so a burst of commits costs a few notifications, not one each."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from ..eventlog.fanout import Fanout
from ..storage.target import libpq_url

log = logging.getLogger("chatdesk.server.notify")
CHANNEL = "chatdesk_events"
RECONNECT = 0.5


class NotifyWake:
    def __init__(self, url: str, fanout: Fanout):
        self.url, self.fanout = libpq_url(url), fanout
        self.conn: Any = None
        self.newest = 0
        self.sent_upto = 0
        self.due = asyncio.Event()
        self.received = self.sent = self.reconnects = 0
        fanout.on_local_commit.append(self.committed)

    def committed(self, newest: int) -> None:
        self.newest = max(self.newest, newest)
        self.due.set()

    def _heard(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self.received += 1
        with contextlib.suppress(ValueError):
            self.fanout.wake(int(payload))

    async def run(self) -> None:
        import asyncpg

        while True:
            try:
                self.conn = await asyncpg.connect(self.url)
                await self.conn.add_listener(CHANNEL, self._heard)
                self.fanout.wake()               # whatever was committed while we were not listening
                while not self.conn.is_closed():
                    try:
                        await asyncio.wait_for(self.due.wait(), timeout=1.0)
                    except TimeoutError:
                        continue
                    self.due.clear()
                    if self.newest > self.sent_upto:
                        upto = self.newest
                        await self.conn.execute("SELECT pg_notify($1, $2)", CHANNEL, str(upto))
                        self.sent_upto, self.sent = upto, self.sent + 1
                log.warning("the NOTIFY listener's connection closed; reconnecting")
            except asyncio.CancelledError:
                raise
            except Exception as e:           # a dropped connection, a restarting database
                log.warning("the NOTIFY listener lost its connection (%s); reconnecting", e)
            finally:
                if self.conn is not None:
                    with contextlib.suppress(Exception):
                        await self.conn.close(timeout=2)
                    self.conn = None
            self.reconnects += 1
            await asyncio.sleep(RECONNECT)
