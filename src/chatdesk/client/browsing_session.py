"""BrowsingSession: the Visitors list's network side, as `session.browsing`. load() reads every
page of GET /browsing into `store.browsing`; after that the stream's frames keep it current and
nothing polls. The list is asked for again only when the frames cannot be trusted: a `reload`
frame (too many changes for one frame), or the stream went live again after a drop (the frames
are ephemeral: what changed meanwhile was never replayed). One load at a time; asks that come
while one runs make one more after it."""
from __future__ import annotations

import asyncio
import logging

from .browsing_api import BrowsingApi
from .store import DeskStore

log = logging.getLogger(__name__)
PAGE = 500                 # the server's largest page


class BrowsingSession:
    def __init__(self, api: BrowsingApi, store: DeskStore) -> None:
        self._api, self._list = api, store.browsing
        self._list.on_reload_needed = self.schedule_reload
        self._task: asyncio.Task[None] | None = None
        self._again = False
        self.loads = 0             # REST loads so far (tests and the bench read it)

    async def load(self) -> int:
        """Every visitor on the site, page by page; returns how many. A row that moved between
        pages is kept once. Raises ApiError / ApiUnavailable with a sentence."""
        seen: dict[str, object] = {}
        offset, online = 0, 0
        while True:
            page = await self._api.page(sort="time_on_site", descending=True, offset=offset, limit=PAGE)
            online = page.online
            for v in page.visitors:
                seen.setdefault(v.id, v)
            offset += PAGE
            if offset >= page.total or not page.visitors:
                break
        self.loads += 1
        self._list.replace(seen.values(), online)   # type: ignore[arg-type]
        return len(seen)

    def schedule_reload(self) -> None:
        """Load again soon (in the background); a failure is logged, the next ask tries again."""
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.ensure_future(self._reload())

    def resumed(self) -> None:
        """The stream is live again: the frames missed meanwhile are lost, so load once more."""
        if self._list.loaded:
            self.schedule_reload()

    async def _reload(self) -> None:
        while True:
            self._again = False
            try:
                await self.load()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - a failed reload waits for the next ask
                log.warning("reloading the visitors on the site failed", exc_info=True)
            if not self._again:
                return

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
