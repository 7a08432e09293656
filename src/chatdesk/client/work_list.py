"""WorkList: the work items (callback requests, offline messages) as the desk holds them, as
`store.work`. Pure: no I/O. Filled from GET /requests and kept current by request.created /
request.updated events; every item is cleaned as it arrives (its fields come from visitors)."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from chatdesk.protocol.work_items import WorkItem

from .sanitize import clean_value
from .view import Change


def is_overdue(item: WorkItem, now: float) -> bool:
    """Past its due time and not done (server/services/work_due.py sets due_at)."""
    return item.state != "done" and now > item.due_at


class WorkList:
    def __init__(self, emit: Callable[[Change], None]) -> None:
        self._emit = emit
        self.items: dict[int, WorkItem] = {}
        self.total: int | None = None           # pending items on the server (None: not loaded)
        self.loaded = False

    def replace(self, items: Iterable[WorkItem], total: int | None = None) -> None:
        """A fresh page of pending items (GET /requests?state=pending)."""
        self.items = {i.id: i for i in (clean_value(i) for i in items)}
        self.total = total if total is not None else len(self.items)
        self.loaded = True
        self._emit(Change("work", None, "loaded"))

    def apply(self, item: WorkItem) -> None:
        """An item from an event or a REST answer: newer state wins (done ones leave the list)."""
        item = clean_value(item)
        known = item.id in self.items
        if item.state == "done":
            if self.items.pop(item.id, None) is not None and self.total:
                self.total -= 1
        else:
            self.items[item.id] = item
            if not known and self.total is not None:
                self.total += 1
        self._emit(Change("work", item.id, item.state))

    def pending(self) -> list[WorkItem]:
        """Open and claimed items, the soonest due first."""
        return sorted(self.items.values(), key=lambda i: (i.due_at, i.id))

    def overdue(self, now: float) -> list[WorkItem]:
        return [i for i in self.pending() if is_overdue(i, now)]
