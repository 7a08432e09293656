"""OpenersApi, as `api.openers`: opener rules and their figures (supervisors, trainers, admins;
an operator gets the server's 403 sentence). Rule names and texts are staff text but cleaned like
everything else that reaches the terminal."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .http import Transport
from .sanitize import clean_value

if TYPE_CHECKING:
    from chatdesk.protocol.openers import OpenerRule, RuleStats


class OpenersApi:
    def __init__(self, http: Transport) -> None:
        self.http = http

    async def rules(self) -> list[OpenerRule]:
        from chatdesk.protocol.openers import OpenerRule
        return clean_value(self.http.parse_list(OpenerRule, await self.http.request("GET", "/openers/rules"), "rules"))

    async def stats(self, since: float | None = None, until: float | None = None) -> list[RuleStats]:
        from chatdesk.protocol.openers import RuleStats
        params = {k: v for k, v in (("since", since), ("until", until)) if v is not None}
        answer = await self.http.request("GET", "/openers/stats", params=params or None)
        return clean_value(self.http.parse_list(RuleStats, answer, "rules"))

    async def create(self, fields: dict[str, Any]) -> OpenerRule:
        from chatdesk.protocol.openers import OpenerRule
        return clean_value(self.http.parse(OpenerRule, await self.http.request("POST", "/openers/rules", fields)))

    async def edit(self, rule_id: int, **changes: Any) -> OpenerRule:
        from chatdesk.protocol.openers import OpenerRule
        answer = await self.http.request("PATCH", f"/openers/rules/{rule_id}", changes)
        return clean_value(self.http.parse(OpenerRule, answer))

    async def order(self, ids: list[int]) -> list[OpenerRule]:
        from chatdesk.protocol.openers import OpenerRule
        answer = await self.http.request("PUT", "/openers/order", {"ids": ids})
        return clean_value(self.http.parse_list(OpenerRule, answer, "rules"))
