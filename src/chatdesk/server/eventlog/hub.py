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
    """One connected stream. `accepts` decides per event; ephemeral frames are offered directly.
    A subscriber with a visitor_id is a visitor's stream: it is asked only about that visitor's
    events and frames (the hub indexes them), so thousands of idle visitors cost an event nothing."""
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
        self.others: set[Subscriber] = set()                   # staff streams and in-process listeners
        self.visitor_streams: dict[str, set[Subscriber]] = {}  # visitor id -> that visitor's streams
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
            self.visitor_streams.setdefault(sub.visitor_id, set()).add(sub)
        else:
            self.others.add(sub)

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)
        self.others.discard(sub)
        if sub.visitor_id and (streams := self.visitor_streams.get(sub.visitor_id)) is not None:
            streams.discard(sub)
            if not streams:
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

    def _streams_of(self, visitor_id: str | None) -> set[Subscriber] | tuple[()]:
        return self.visitor_streams.get(visitor_id, ()) if visitor_id else ()

    def publish(self, rows: list[EventRow]) -> None:
        for row in rows:
            for sub in self.others:
                if sub.accepts(row):
                    sub.offer(row)
            for sub in self._streams_of(row.visitor_id):
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
        """With ToVisitor as `to`, only that visitor's streams are asked; else every stream."""
        targets = self._streams_of(to.visitor_id) if isinstance(to, ToVisitor) else self.subscribers
        for sub in targets:
            if to(sub):
                sub.offer(frame)
