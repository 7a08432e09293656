"""QueueState: the waiting chats the desk shows. The server sends the oldest page of the queue
(GET /desk, GET /queue) and how many wait in all; stream events keep the page current, and
`more` counts the chats waiting beyond it, so a flooded queue costs the desk one page.

While chats wait beyond the page, a chat leaving the page (or one beyond it changing) makes the
page stale: `on_stale` asks the session to fetch it again. Pure: no I/O, like the store.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from chatdesk.protocol import events as ev
from chatdesk.protocol.models import Conversation, QueueEntry, Visitor

from .sanitize import clean_value
from .view import Change

LEFT_QUEUE = (ev.CONVERSATION_ASSIGNED, ev.CONVERSATION_CLOSED, ev.CONVERSATION_MISSED,
              ev.CONVERSATION_TRANSFERRED)


class QueueState:
    def __init__(self, emit: Callable[[Change], None]) -> None:
        self.entries: dict[int, QueueEntry] = {}
        self.more = 0                     # waiting beyond the page the server sent
        self.on_stale: Callable[[], None] | None = None     # set by the session
        self._emit = emit
        self._fetching = False
        self._left: set[int] = set()      # left the queue while a page was being fetched
        self._joined: set[int] = set()    # joined it meanwhile

    @property
    def waiting(self) -> int:
        """All the chats waiting, shown or not."""
        return len(self.entries) + self.more

    def sorted(self) -> list[QueueEntry]:
        return sorted(self.entries.values(), key=lambda e: (e.conversation.queued_at, e.conversation.id))

    def fetching(self, on: bool = True) -> None:
        """A page is on its way (or, `on=False`, will not come): what changes meanwhile is
        applied on top of it."""
        self._fetching, self._left, self._joined = on, set(), set()

    def replace(self, entries: Iterable[QueueEntry], total: int | None = None) -> None:
        """The server's page; `total` counts all that wait (None: the page is the whole queue)."""
        page = {e.conversation.id: e for e in (clean_value(e) for e in entries)}
        if self._fetching:
            page.update({cid: self.entries[cid] for cid in self._joined if cid in self.entries})
            for cid in self._left:
                page.pop(cid, None)
            self._fetching = False
        self.entries.clear()
        self.entries.update(page)
        self.more = max(0, total - len(page)) if total is not None else 0
        self._emit(Change("queue", None, "updated"))

    def conversation_changed(self, kind: str, conv: Conversation, visitor: Visitor | None) -> None:
        cid = conv.id
        if conv.state == "queued":
            if cid in self.entries or not self.more:
                if visitor is not None:
                    old = self.entries.get(cid)
                    self.entries[cid] = QueueEntry(conversation=conv, visitor=visitor,
                                                   wait_seconds=max(0.0, time.time() - conv.queued_at),
                                                   first_message=old.first_message if old else "")
                    if self._fetching:
                        self._joined.add(cid)
                    self._emit(Change("queue", cid, "updated" if old else "added"))
            elif kind == ev.CONVERSATION_QUEUED:      # newer than the page: it waits beyond it
                self.more += 1
                self._emit(Change("queue", None, "updated"))
            else:                                     # one beyond the page changed or came back
                self._stale()
        elif self.entries.pop(cid, None) is not None:
            if self._fetching:
                self._left.add(cid)
            self._emit(Change("queue", cid, "removed"))
            if self.more:                             # the next one beyond the page moves up
                self._stale()
        elif self.more and kind in LEFT_QUEUE:        # perhaps one beyond the page was taken
            self._stale()

    def first_message(self, cid: int, body: str) -> None:
        entry = self.entries.get(cid)
        if entry is not None and not entry.first_message:
            self.entries[cid] = entry.model_copy(update={"first_message": body[:500]})
            self._emit(Change("queue", cid, "updated"))

    def visitor_changed(self, visitor: Visitor) -> None:
        for cid, entry in list(self.entries.items()):
            if entry.visitor.id == visitor.id:
                self.entries[cid] = entry.model_copy(update={"visitor": visitor})
                self._emit(Change("queue", cid, "updated"))

    def _stale(self) -> None:
        if self.on_stale is not None:
            self.on_stale()
