"""WorkApi: the REST calls for work items, as `api.work`: list, claim, call, done, release
(docs/protocol.md, "Work items"). Refusals raise ApiError with the server's sentence (409 when
someone else claimed it, or the caller still holds chats and cannot go on the phone)."""
from __future__ import annotations

from typing import Any

from chatdesk.protocol.models import Operator
from chatdesk.protocol.work_items import WorkItem, WorkItemPage

from .http import Transport


class WorkApi:
    def __init__(self, http: Transport) -> None:
        self.http = http

    async def items(self, state: str = "pending", limit: int | None = None) -> WorkItemPage:
        params: dict[str, Any] = {"state": state}
        if limit is not None:
            params["limit"] = limit
        return self.http.parse(WorkItemPage, await self.http.request("GET", "/requests", params=params))

    async def item(self, item_id: int) -> WorkItem:
        return self.http.parse(WorkItem, await self.http.request("GET", f"/requests/{item_id}"))

    async def claim(self, item_id: int) -> WorkItem:
        return self.http.parse(WorkItem, await self.http.request("POST", f"/requests/{item_id}/claim"))

    async def call(self, item_id: int) -> tuple[WorkItem, Operator]:
        """The item, claimed by me, and me on the phone."""
        data = await self.http.request("POST", f"/requests/{item_id}/call")
        return self.http.parse(WorkItem, data), self.http.parse(Operator, data.get("operator"))

    async def done(self, item_id: int, note: str = "") -> WorkItem:
        from chatdesk.protocol.work_items import WorkDoneRequest

        from .http import build_body
        body = build_body(WorkDoneRequest, note=note)
        return self.http.parse(WorkItem, await self.http.request("POST", f"/requests/{item_id}/done", body))

    async def release(self, item_id: int) -> WorkItem:
        return self.http.parse(WorkItem, await self.http.request("POST", f"/requests/{item_id}/release"))
