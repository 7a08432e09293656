"""Renews the sweeper's lease on a thread of its own, with its own database connection, so that an
event loop busy for a few seconds or a pool with no connection free does not let the lease lapse
and hand the sweeps to another process and back (flapping).

The keeper renews only while the process's loop shows it is alive (`loop_seen`, a monotonic time
the loop refreshes): a loop silent for LOOP_SILENT seconds is one that hangs, so the keeper stops
renewing and the lease lapses TTL later. It takes a free lease only while the loop answers within
TAKE_SILENT: a busy process does not become the sweeper. A stopped process (SIGSTOP) renews nothing,
loop or thread; when it resumes, its deadline has passed and the fence (fence.py) refuses its steps.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..security.quiet_log import OncePer
from ..storage.engine import open_database
from .lease import Lease

log = logging.getLogger("chatdesk.server.cluster")
RENEW_EVERY = 0.5        # seconds; the lease lasts TTL (3 s): five renewals may fail in a row
LOOP_SILENT = 6.0        # seconds without a sign of the loop: stop renewing (the loop hangs)
TAKE_SILENT = 1.0        # seconds: take a free lease only while the loop answers within this


class LeaseKeeper:
    def __init__(self, target: str | Path, lease: Lease, loop_seen: Callable[[], float], *,
                 loop_silent: float = LOOP_SILENT, member: str = ""):
        self.target, self.lease, self.loop_seen = target, lease, loop_seen
        self.loop_silent, self.member = loop_silent, member or lease.holder
        self.renewals = self.failures = 0
        self.first_done = threading.Event()
        self._release = False
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="chatdesk-lease", daemon=True)
        self._quiet = OncePer(log, 60.0)

    def start(self) -> None:
        self._thread.start()

    def stop(self, release: bool = True, timeout: float = 10.0) -> None:
        """Blocking (call it in a thread from a loop): ends the thread, releasing the lease first."""
        self._release, self._stopping = release, True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):      # its loop already closed
                loop.call_soon_threadsafe(wake.set)
        self._thread.join(timeout)

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        db = open_database(self.target, pool_size=1)
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        try:
            while not self._stopping:
                await self.renew(db)
                self.first_done.set()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), RENEW_EVERY)
            if self._release and self.lease.token:
                with contextlib.suppress(Exception):
                    async with db.write() as conn:
                        await self.lease.release(conn)
        finally:
            self.first_done.set()
            await db.close()

    async def renew(self, db) -> None:  # noqa: ANN001 - a storage Database
        silent = time.monotonic() - self.loop_seen()
        if silent > self.loop_silent:
            self._quiet.note("silent", "cluster member %s: its event loop has not answered for %.1f s; "
                             "not renewing the sweeper lease", self.member, silent)
            return
        began, now = time.monotonic(), time.time()
        try:
            async with db.write() as conn:
                token = await self.lease.renew_or_take(conn, now, may_take=silent < TAKE_SILENT)
        except Exception as e:     # a busy database: the lease lapses after TTL, the next renewal retries
            self.failures += 1
            self._quiet.note("failed", "cluster member %s: renewing the sweeper lease failed (%s)", self.member, e)
            return
        self.renewals += 1
        was = self.lease.token
        if self.lease.adopt(token, began):
            log.info("cluster member %s took the sweeper lease (holding %r)", self.member, token)
        elif was and not token:
            log.info("cluster member %s lost the sweeper lease to another process", self.member)
