"""The delivery worker: one asyncio task per server that sends due deliveries, never blocking the
chat. At most `delivery_concurrency` attempts run at once and at most half of them (at least one)
go to the same webhook, so a receiver that hangs holds its own slots until `delivery_timeout` and
no more. A delivery is marked delivered only after a 2xx (a webhook) or an accepted mail; anything
else is recorded as an attempt and tried again after a backoff (retry.py), until its give-up time
makes it a dead letter. After a crash every undelivered row is simply due again, under its id.
With several processes only the sweeper-lease holder delivers: it asks the fence (cluster/fence.py)
before each look and again before each attempt, so a holder resumed after a stall sends nothing.
A send already on the wire when the process stopped goes on; the receiver dedupes by delivery id."""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, insert, select, update

from chatdesk.integrations.verify import signature_header

from ..cluster.fence import AlwaysHeld, Fence
from ..config import ServerConfig
from ..eventlog.log import Store
from ..storage import schema
from . import http_post, smtp_send
from .enqueue import MAIL, WEBHOOK, Outbox
from .retry import next_delay

log = logging.getLogger("chatdesk.server.outbox")
D, W, A = schema.deliveries, schema.webhooks, schema.delivery_attempts
ERROR_MAX = 500


class Failed(Exception):
    """One attempt did not deliver; the message says why (kept with the attempt)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class Undeliverable(Failed):
    """No later attempt can succeed (the subscription is gone): a dead letter at once."""


def webhook_secrets(hook: Any, now: float) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during a rotation."""
    secrets = [hook.secret]
    if hook.previous_secret and (hook.previous_until or 0) > now:
        secrets.append(hook.previous_secret)
    return secrets


def webhook_request(delivery: Any, hook: Any, now: float) -> tuple[bytes, dict[str, str]]:
    """The body (the envelope with the delivery id) and the signed headers."""
    body = json.dumps({"id": delivery.id, **delivery.payload}, separators=(",", ":"),
                      ensure_ascii=False).encode()
    stamp = str(int(now))
    return body, {"X-Chatdesk-Signature": signature_header(webhook_secrets(hook, now), stamp, body),
                  "X-Chatdesk-Timestamp": stamp, "X-Chatdesk-Delivery": delivery.id,
                  "X-Chatdesk-Event": delivery.event}


class DeliveryWorker:
    def __init__(self, config: ServerConfig, store: Store, outbox: Outbox, fence: Fence | None = None):
        self.config, self.store, self.outbox = config, store, outbox
        self.fence = fence or AlwaysHeld()
        self.in_flight: dict[str, str] = {}          # delivery id -> target (webhook id or "mail")
        self.tasks: set[asyncio.Task] = set()
        self.freed = asyncio.Event()
        self.mail_threads = ThreadPoolExecutor(max_workers=max(1, config.delivery_concurrency),
                                               thread_name_prefix="chatdesk-mail")

    @property
    def per_target(self) -> int:
        return max(1, self.config.delivery_concurrency // 2)

    async def run(self) -> None:
        try:
            while True:
                self.outbox.announced.clear()    # before the look: an announcement during it counts
                self.freed.clear()
                try:
                    wait = await self.start_due()
                except asyncio.CancelledError:
                    raise
                except Exception:  # a failed look must not stop deliveries for good
                    log.exception("the delivery worker failed to read the outbox")
                    wait = 1.0
                await self._sleep(wait)
        finally:
            for task in self.tasks:
                task.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)
            self.mail_threads.shutdown(wait=False, cancel_futures=True)

    async def _sleep(self, seconds: float) -> None:
        waits = [asyncio.ensure_future(self.outbox.announced.wait()), asyncio.ensure_future(self.freed.wait())]
        try:
            await asyncio.wait(waits, timeout=max(0.0, seconds), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()

    async def start_due(self) -> float:
        """Start what is due and fits in the free slots; return how long to wait before looking again.

        One query per target that has a free slot (the mail, each webhook), each reading at most
        its free slots' worth from the index (state, webhook_id, next_at): the look costs the same
        whatever backlog a target with no free slot has (a receiver that hangs piles up every
        delivery for it; bench/outbox_look.py)."""
        now = time.time()
        free = self.config.delivery_concurrency - len(self.in_flight)
        poll = self.config.delivery_poll
        if free <= 0 or not self.fence.proven():
            return poll
        busy = Counter(self.in_flight.values())
        flying = list(self.in_flight)
        due: list[tuple[float, str, str]] = []          # (next_at, delivery id, target)
        async with self.store.read() as conn:
            hooks = (await conn.execute(select(W.c.id))).scalars().all()
            targets = [(MAIL, D.c.webhook_id.is_(None))] + [(f"webhook:{h}", D.c.webhook_id == h) for h in hooks]
            for target, which in targets:
                room = min(free, self.per_target - busy[target])
                if room <= 0:
                    continue
                found = (await conn.execute(
                    select(D.c.id, D.c.next_at).where(D.c.state == "pending", which, D.c.next_at <= now,
                                                      D.c.id.not_in(flying))
                    .order_by(D.c.next_at).limit(room))).all()
                due.extend((r.next_at, r.id, target) for r in found)
            upcoming = (await conn.execute(select(func.min(D.c.next_at)).where(
                D.c.state == "pending", D.c.next_at > now))).scalar()
        for _, delivery_id, target in sorted(due)[:free]:    # the longest due first, across targets
            self.in_flight[delivery_id] = target
            task = asyncio.create_task(self._deliver(delivery_id))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        if upcoming is not None:
            poll = min(poll, max(0.0, upcoming - now))
        return poll

    async def _deliver(self, delivery_id: str) -> None:
        started = time.time()
        try:
            async with self.store.read() as conn:
                delivery = (await conn.execute(select(D).where(D.c.id == delivery_id))).first()
                hook = None
                if delivery is not None and delivery.channel == WEBHOOK:
                    hook = (await conn.execute(select(W).where(W.c.id == delivery.webhook_id))).first()
            if delivery is None or delivery.state != "pending" or not self.fence.proven():
                return
            try:
                status = await self._attempt(delivery, hook)
            except asyncio.CancelledError:
                raise
            except Failed as e:
                await self._record(delivery, started, ok=False, status=e.status, error=str(e),
                                   final=isinstance(e, Undeliverable))
            except Exception as e:  # the receiver's or the network's fault, in a sentence
                await self._record(delivery, started, ok=False, status=None, error=_describe(e))
            else:
                await self._record(delivery, started, ok=True, status=status, error="")
        finally:
            self.in_flight.pop(delivery_id, None)
            self.freed.set()

    async def _attempt(self, delivery: Any, hook: Any) -> int | None:
        timeout = self.config.delivery_timeout
        if delivery.channel == MAIL:
            if not self.config.smtp.enabled:
                raise Failed("This server has no SMTP server configured (--smtp-host).")
            loop = asyncio.get_running_loop()
            await asyncio.wait_for(loop.run_in_executor(
                self.mail_threads, smtp_send.send, self.config.smtp, delivery.payload, delivery.id, timeout),
                timeout + 1)
            return None
        if hook is None:
            raise Undeliverable(schema.REMOVED_WEBHOOK)
        body, headers = webhook_request(delivery, hook, time.time())
        status = await http_post.post(hook.url, body, headers, timeout)
        if not 200 <= status < 300:
            raise Failed(f"The receiver answered {status}.", status)
        return status

    async def _record(self, delivery: Any, started: float, *, ok: bool, status: int | None, error: str,
                      final: bool = False) -> None:
        now = time.time()
        attempts = delivery.attempts + 1
        values: dict[str, Any] = {"attempts": attempts, "last_error": error[:ERROR_MAX]}
        if ok:
            values.update(state="delivered", delivered_at=now)
        else:
            delay = next_delay(attempts, self.config.retry_base, self.config.retry_cap)
            if final or now >= delivery.give_up_at:
                values.update(state="dead")
            else:                        # the last try comes at the give-up time, not before it
                values.update(next_at=min(now + delay, delivery.give_up_at))
            log.info("delivery %s (%s) failed: %s", delivery.id, delivery.event, error)
        async with self.store.db.write() as conn:
            await conn.execute(insert(A).values(delivery_id=delivery.id, at=now, ok=ok, status=status,
                                                error=error[:ERROR_MAX], seconds=now - started))
            await conn.execute(update(D).where(D.c.id == delivery.id, D.c.state == "pending").values(**values))


def _describe(e: BaseException) -> str:
    if isinstance(e, TimeoutError):
        return "The receiver did not answer in time."
    if isinstance(e, ConnectionRefusedError):
        return "The receiver refused the connection."
    return f"{type(e).__name__}: {e}"[:ERROR_MAX] or type(e).__name__


async def run(worker: DeliveryWorker) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        await worker.run()
