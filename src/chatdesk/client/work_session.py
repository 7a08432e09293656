"""WorkSession: the desk's actions on work items, as `session.work`. Each answer goes into
`store.work` at once (the event that follows changes nothing more); a call also puts the desk's
own status on the phone, done and release bring it back, as the server decided."""
from __future__ import annotations

from chatdesk.protocol.work_items import WorkItem

from .api import ApiClient
from .sanitize import clean_value
from .store import DeskStore


class WorkSession:
    def __init__(self, api: ApiClient, store: DeskStore) -> None:
        self._client, self._api, self._store = api, api.work, store

    async def load(self) -> list[WorkItem]:
        """The pending items (open and claimed), the soonest due first."""
        page = await self._api.items("pending")
        self._store.work.replace(page.items, page.total)
        return self._store.work.pending()

    async def claim(self, item_id: int) -> WorkItem:
        return self._took(await self._api.claim(item_id))

    async def call(self, item_id: int) -> WorkItem:
        item, me = await self._api.call(item_id)
        self._store.apply_operator(me)
        return self._took(item)

    async def done(self, item_id: int, note: str = "") -> WorkItem:
        item = self._took(await self._api.done(item_id, note))
        await self._refresh_me()
        return item

    async def release(self, item_id: int) -> WorkItem:
        item = self._took(await self._api.release(item_id))
        await self._refresh_me()
        return item

    async def _refresh_me(self) -> None:
        """Done or released: the server may have put me back online."""
        self._store.apply_operator(await self._client.me())

    def _took(self, item: WorkItem) -> WorkItem:
        self._store.work.apply(item)
        return clean_value(item)
