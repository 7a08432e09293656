"""BrowsingList: the visitors on the site as the desk holds them, as `store.browsing`. Pure: no I/O.

Filled from GET /browsing (every page of it) and kept current by the stream's ephemeral
`visitors.browsing` frames: changed rows replace theirs, `gone` ids leave, `reload` asks for the
REST list again (more changed than a frame carries). Frames before the first load are ignored:
a partial list would look whole. Every row is cleaned as it arrives (names, pages, referrers and
campaigns are the visitor's text).

A row's seconds (on the page, on the site) are the server's at the moment it sent the row; the
list notes when that was on its own monotonic clock, so the screen can show them growing without
asking again (`page_seconds`, `time_on_site`). Sorting and filtering are local and follow the
server's rules (services/browsing.py): the same sort keys, the same fields searched."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import ValidationError

from chatdesk.protocol.openers import BrowsingVisitor

from .sanitize import clean_value
from .view import Change

SORTS = ("time_on_site", "page_seconds", "cart_value", "visit_count", "last_seen")


def haystack(v: BrowsingVisitor) -> str:
    """What a filter searches: name, page URL and title, referrer, campaign (lower case)."""
    c = v.campaign
    return " ".join((v.name, v.current_url, v.current_title, v.referrer, c.source, c.medium, c.campaign)).lower()


class BrowsingList:
    def __init__(self, emit: Callable[[Change], None], clock: Callable[[], float] = time.monotonic) -> None:
        self._emit = emit
        self._clock = clock
        self.visitors: dict[str, BrowsingVisitor] = {}
        self._at: dict[str, float] = {}            # id -> the list's clock when the row arrived
        self._hay: dict[str, str] = {}
        self.online = 0                            # everyone on the site, as the server counted
        self.loaded = False
        self.version = 0                           # +1 for every change (a view redraws on a new one)
        self.on_reload_needed: Callable[[], None] | None = None   # set by the session

    # --- filling -------------------------------------------------------------------------------
    def replace(self, visitors: Iterable[BrowsingVisitor], online: int | None = None) -> None:
        """The whole list again (GET /browsing, every page)."""
        now = self._clock()
        self.visitors, self._at, self._hay = {}, {}, {}
        for v in visitors:
            self._put(clean_value(v), now)
        self.online = online if online is not None else len(self.visitors)
        self.loaded = True
        self._changed("loaded")

    def apply_frame(self, frame: dict[str, Any]) -> None:
        """One `visitors.browsing` frame. Never raises: a malformed row is skipped."""
        if not self.loaded:
            return
        if frame.get("reload"):
            if self.on_reload_needed is not None:
                self.on_reload_needed()
            return
        now = self._clock()
        for raw in frame.get("visitors") or []:
            try:
                self._put(clean_value(BrowsingVisitor.model_validate(raw)), now)
            except (ValidationError, TypeError, ValueError):
                continue
        for vid in frame.get("gone") or []:
            if isinstance(vid, str):
                self.visitors.pop(vid, None)
                self._at.pop(vid, None)
                self._hay.pop(vid, None)
        online = frame.get("online")
        self.online = online if type(online) is int and online >= 0 else len(self.visitors)
        self._changed("frame")

    def _put(self, v: BrowsingVisitor, now: float) -> None:
        self.visitors[v.id] = v
        self._at[v.id] = now
        self._hay[v.id] = haystack(v)

    def _changed(self, detail: str) -> None:
        self.version += 1
        self._emit(Change("browsing", None, detail))

    # --- reading -------------------------------------------------------------------------------
    def age(self, vid: str) -> float:
        """Seconds since this row arrived."""
        at = self._at.get(vid)
        return max(0.0, self._clock() - at) if at is not None else 0.0

    def page_seconds(self, v: BrowsingVisitor) -> float:
        return v.page_seconds + self.age(v.id)

    def time_on_site(self, v: BrowsingVisitor) -> float:
        return v.time_on_site + self.age(v.id)

    def rows(self, sort: str = "time_on_site", descending: bool = True, q: str = "") -> list[BrowsingVisitor]:
        """The visitors that match `q` (case-insensitive, in the fields the server searches), sorted.
        Seconds sort by when the page or visit started, so rows that arrived at different times
        compare fairly; ties by id, as on the server."""
        needle = q.strip().lower()
        chosen = [v for vid, v in self.visitors.items() if not needle or needle in self._hay[vid]]
        at = self._at
        if sort in ("time_on_site", "page_seconds"):
            def key(v: BrowsingVisitor) -> tuple[Any, ...]:
                return (getattr(v, sort) - at[v.id], v.id)
        elif sort == "cart_value":
            def key(v: BrowsingVisitor) -> tuple[Any, ...]:
                return (v.cart.value if v.cart is not None else -1.0, v.id)
        else:
            def key(v: BrowsingVisitor) -> tuple[Any, ...]:
                return (getattr(v, sort), v.id)
        chosen.sort(key=key, reverse=descending)
        return chosen
