"""The hub: fans committed events (and ephemeral frames such as typing) out to connected streams."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from ..security.tokens import Actor
from .audience import Audience, ToChatReaders, ToOperators, ToVisitor

if TYPE_CHECKING:
    from .log import EventRow

QUEUE_EVENT_PREFIXES = ("conversation.", "operator.")   # events that can move the queue
MAX_BUFFER = 20_000   # events queued for one slow stream before we drop it (it resumes on reconnect)


class Relay(Protocol):
    """What the hub hands to the other processes (server/cluster/bus.py)."""

    def frame(self, frame: dict, to: Audience) -> None: ...

    def revoke(self, token_hash: str) -> None: ...


@dataclass(eq=False)
class Subscriber:
    """One connected stream. `accepts` decides per event; ephemeral frames are offered directly."""
    accepts: Callable[[EventRow], bool]
    actor: Actor | None = None
    visitor_id: str | None = None
    token_hash: str | None = None
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)
    overflowed: bool = False
    revoked: bool = False

    def revoke(self) -> None:
        self.revoked = True
        self.queue.put_nowait(None)   # wakes the writer, which closes the stream

    def offer(self, item: EventRow | dict) -> None:
        if self.overflowed:
            return
        if self.queue.qsize() >= MAX_BUFFER:
            self.overflowed = True
            self.queue.put_nowait(None)   # wakes the writer, which closes the stream
            return
        self.queue.put_nowait(item)


class Hub:
    def __init__(self) -> None:
        self.subscribers: set[Subscriber] = set()
        self.visitor_streams: dict[str, int] = {}
        self.changed = asyncio.Event()   # pokes the router after any write
        self.queue_moved = asyncio.Event()   # pokes realtime/queue_watch.py: a chat or operator changed
        # Set by the cluster bus when several processes serve: ephemeral frames whose audience is
        # an Audience value, and logouts, reach the other processes' streams too.
        self.relay: Relay | None = None
        # Set by the cluster node: whether a visitor has a stream open on another process
        # (cluster/presence.py). None with one process: the streams here are the whole truth.
        self.elsewhere: Callable[[str], bool] | None = None

    def subscribe(self, sub: Subscriber) -> None:
        self.subscribers.add(sub)
        if sub.visitor_id:
            self.visitor_streams[sub.visitor_id] = self.visitor_streams.get(sub.visitor_id, 0) + 1

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)
        if sub.visitor_id and sub.visitor_id in self.visitor_streams:
            self.visitor_streams[sub.visitor_id] -= 1
            if self.visitor_streams[sub.visitor_id] <= 0:
                del self.visitor_streams[sub.visitor_id]

    def revoke(self, token_hash: str) -> None:
        """Logout: streams opened with this token end at once, in every process."""
        self.revoke_here(token_hash)
        if self.relay is not None:
            self.relay.revoke(token_hash)

    def revoke_here(self, token_hash: str) -> None:
        for sub in list(self.subscribers):
            if sub.token_hash == token_hash:
                sub.revoke()

    def visitor_connected(self, visitor_id: str) -> bool:
        """A stream open here or, with several processes, on any live one."""
        return visitor_id in self.visitor_streams or (self.elsewhere is not None and self.elsewhere(visitor_id))

    def visitor_here(self, visitor_id: str) -> bool:
        """A stream open on this process (what only this process can send frames to)."""
        return visitor_id in self.visitor_streams

    def publish(self, rows: list[EventRow]) -> None:
        for row in rows:
            for sub in self.subscribers:
                if sub.accepts(row):
                    sub.offer(row)
        if rows:
            self.changed.set()
        if any(row.type.startswith(QUEUE_EVENT_PREFIXES) for row in rows):
            self.queue_moved.set()

    def send(self, frame: dict, to: Callable[[Subscriber], bool]) -> None:
        """An ephemeral frame (typing): never logged, no event_id. With an Audience value as `to`
        it goes to the other processes' streams too (best effort); a plain callable stays here."""
        self.send_here(frame, to)
        if self.relay is not None and isinstance(to, ToVisitor | ToOperators | ToChatReaders):
            self.relay.frame(frame, to)

    def send_here(self, frame: dict, to: Callable[[Subscriber], bool]) -> None:
        for sub in self.subscribers:
            if to(sub):
                sub.offer(frame)
