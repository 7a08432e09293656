"""Limits on work items a visitor can create (docs/security.md, "Request flood"), so one client
cannot bury the work list:

- at most `open_per_visitor` open or claimed requests per visitor (counted in the database inside
  the write transaction, so it holds across restarts and two requests cannot both slip under it);
- at most `per_address_per_minute` new requests a minute from one client address (a token bucket).
Over a limit the request is refused with 429 and a sentence. 0 turns a limit off."""
from __future__ import annotations

from sqlalchemy import func, select

from ..services.errors import TooMany
from ..storage.db import AnyConn
from ..storage.schema import work_items as W
from .limits import RateLimiter

OPEN_RETRY_AFTER = 600          # seconds: an operator usually answers a request within this


class RequestLimits:
    """The defaults are ServerConfig's (server/config.py)."""

    def __init__(self, open_per_visitor: int, per_address_per_minute: int):
        self.open_per_visitor = max(0, open_per_visitor)
        self.address_rate = RateLimiter(per_address_per_minute, "address")

    async def admit(self, conn: AnyConn, address: str, visitor_id: str) -> None:
        if self.open_per_visitor:
            held = (await conn.execute(select(func.count()).select_from(W).where(
                W.c.visitor_id == visitor_id, W.c.state != "done"))).scalar_one()
            if held >= self.open_per_visitor:
                raise TooMany(f"You already have {held} requests waiting for an answer; we will get back "
                              "to you on those first.", OPEN_RETRY_AFTER)
        wait = await self.address_rate.take(address, conn)
        if wait:
            n = max(1, round(wait + 0.5))
            raise TooMany(f"Too many requests from this address; try again in {n} second{'s' * (n != 1)}.", n)
