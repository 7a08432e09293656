"""Outbox: every message the operator sends is kept here until the server acknowledges it.

Each message has its client_msg_id before the first attempt, so a resend after a lost answer, a
network cut or a restart of the desk never makes a second copy (the server answers the same message
for the same id). Messages of one conversation go out one at a time, in order. Network trouble and
409/429/5xx keep retrying with backoff; any other refusal marks the message failed with the server's
sentence. Pending and failed messages are kept in a small JSON file, so a restarted desk resends.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from chatdesk.protocol.models import Message

from .backoff import pause_or_wake
from .http import ApiError, ApiUnavailable
from .outgoing import OutgoingMessage

log = logging.getLogger(__name__)
PostFn = Callable[[OutgoingMessage], Awaitable[Message | None]]   # None: held for approval
ChangeFn = Callable[[OutgoingMessage], None]
BACKOFF_START, BACKOFF_MAX = 0.2, 5.0


class Outbox:
    def __init__(self, path: Path | str | None, post: PostFn, on_change: ChangeFn | None = None):
        self.path = Path(path) if path is not None else None
        self._post = post
        self._on_change = on_change or (lambda item: None)
        self.items: dict[str, OutgoingMessage] = {}     # pending and failed, oldest first
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._closed = False
        self._load()

    # --- public --------------------------------------------------------------------------------
    def submit(self, conversation_id: int, body: str, kind: str = "text") -> OutgoingMessage:
        """Queue a message; returns at once with its client_msg_id and state "pending"."""
        item = OutgoingMessage(conversation_id=conversation_id, body=body, kind=kind)
        self.items[item.client_msg_id] = item
        self._save()
        self._on_change(item)
        self._kick(conversation_id)
        return item

    def start(self) -> None:
        """Resend what a previous run left unacknowledged (and show it as pending meanwhile)."""
        for item in list(self.items.values()):
            self._on_change(item)
            if item.state == "pending":
                self._kick(item.conversation_id)

    def acknowledge(self, client_msg_id: str | None, message: Message | None = None) -> None:
        """The server has it (answer to our POST, or its echo on the stream). Idempotent."""
        item = self.items.pop(client_msg_id or "", None)
        if item is None:
            return
        item.state, item.error = "sent", ""
        if message is not None:
            item.message_id = message.id
        self._save()
        self._on_change(item)

    def retry(self, client_msg_id: str) -> None:
        """Send a failed message again (the operator asked for it)."""
        item = self.items.get(client_msg_id)
        if item is not None and item.state == "failed":
            item.state, item.error = "pending", ""
            self._save()
            self._on_change(item)
            self._kick(item.conversation_id)

    def discard(self, client_msg_id: str) -> None:
        """Drop a failed message for good."""
        item = self.items.get(client_msg_id)
        if item is not None and item.state == "failed":
            del self.items[client_msg_id]
            item.state = "discarded"
            self._save()
            self._on_change(item)

    def wake(self) -> None:
        """Try again now instead of waiting out the backoff (the stream just came back)."""
        self._wake.set()

    def pending(self, conversation_id: int | None = None) -> list[OutgoingMessage]:
        return [i for i in self.items.values()
                if conversation_id is None or i.conversation_id == conversation_id]

    async def aclose(self) -> None:
        self._closed = True
        tasks = list(self._workers.values())
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._workers.clear()

    # --- sending -------------------------------------------------------------------------------
    def _kick(self, conversation_id: int) -> None:
        task = self._workers.get(conversation_id)
        if self._closed or (task is not None and not task.done()):
            return
        self._workers[conversation_id] = asyncio.get_running_loop().create_task(
            self._drain(conversation_id), name=f"outbox-{conversation_id}")

    def _next(self, conversation_id: int) -> OutgoingMessage | None:
        # oldest first; a failed message does not hold back the ones typed after it
        return next((i for i in self.items.values()
                     if i.conversation_id == conversation_id and i.state == "pending"), None)

    async def _drain(self, conversation_id: int) -> None:
        delay = BACKOFF_START
        while (item := self._next(conversation_id)) is not None:
            item.attempts += 1
            try:
                message = await self._post(item)
            except ApiUnavailable as e:
                log.info("outbox: %s; retrying in %.1fs", e, delay)
            except ApiError as e:
                if not e.retryable:
                    if item.client_msg_id in self.items:
                        item.state, item.error = "failed", str(e)
                        self._save()
                        self._on_change(item)
                    delay = BACKOFF_START
                    continue
                log.info("outbox: %s (%s); retrying in %.1fs", e, e.status, delay)
            except asyncio.CancelledError:
                raise
            except Exception:      # a bug must not eat the message: keep it and retry
                log.exception("outbox: unexpected error sending %s", item.client_msg_id)
            else:
                self.acknowledge(item.client_msg_id, message)
                delay = BACKOFF_START
                continue
            await self._sleep(delay)
            delay = min(delay * 2, BACKOFF_MAX)

    async def _sleep(self, delay: float) -> None:
        await pause_or_wake(self._wake, delay)

    # --- persistence ---------------------------------------------------------------------------
    def _load(self) -> None:
        if self.path is None or not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            for raw in data.get("items", []):
                item = OutgoingMessage.from_json(raw)
                if item.state != "sent":
                    self.items[item.client_msg_id] = item
        except (OSError, ValueError, TypeError, AttributeError) as e:
            # an unreadable outbox must not stop the desk; keep the file aside for a human
            log.warning("outbox file %s unreadable (%s); starting empty", self.path, e)
            try:
                self.path.replace(self.path.with_suffix(".corrupt"))
            except OSError:
                pass

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        payload = {"version": 1, "items": [i.to_json() for i in self.items.values()]}
        # 0600: unsent replies are the operator's, not every local user's (docs/security.md).
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)            # also a .tmp left behind with looser rights
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(payload, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)      # atomic: a crash leaves the old file or the new one

