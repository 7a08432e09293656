"""BrowsingApi, as `api.browsing`: who is on the site now (a sorted, filtered page, cleaned at
once: names, URLs, titles, referrers and campaigns are the visitor's text) and the manual invite."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .http import Transport
from .sanitize import clean_value

if TYPE_CHECKING:
    from chatdesk.protocol.openers import BrowsingPage, Invitation


class BrowsingApi:
    def __init__(self, http: Transport) -> None:
        self.http = http

    async def page(self, *, sort: str = "time_on_site", descending: bool = True, q: str = "",
                   state: str | None = None, offset: int = 0, limit: int = 500) -> BrowsingPage:
        from chatdesk.protocol.openers import BrowsingPage
        params: dict[str, Any] = {"sort": sort, "descending": str(descending).lower(), "offset": offset,
                                  "limit": limit}
        if q:
            params["q"] = q
        if state:
            params["state"] = state
        return clean_value(self.http.parse(BrowsingPage, await self.http.request("GET", "/browsing", params=params)))

    async def invite(self, visitor_id: str, *, body: str | None = None, canned_id: int | None = None) -> Invitation:
        from chatdesk.protocol.openers import Invitation
        payload: dict[str, Any] = {"body": body} if body is not None else {"canned_id": canned_id}
        answer = await self.http.request("POST", f"/browsing/{visitor_id}/invite", payload)
        return clean_value(self.http.parse(Invitation, answer))
