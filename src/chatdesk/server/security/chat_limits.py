"""Limits on new chats, so one client cannot flood the queue (docs/security.md, "Queue flood").

- At most `per_address` open (queued or active) chats started from one client address: counted
  in the database inside the write transaction that would open one (the conversation keeps the
  address it was opened from while it is open), so the cap holds across processes and restarts
  and two starts cannot both slip under it.
- At most `address_per_minute` new chats a minute from one address and `visitor_per_minute` from
  one visitor (token buckets: that many at once, refilled over a minute; shared by all processes
  with --cluster, security/shared_limits.py).
A visitor holds one open chat at a time anyway (writing again joins it). Over a limit the start is
refused with 429 and a sentence; the chats already open are untouched. 0 turns a limit off.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ..services.errors import TooMany
from ..storage.db import AnyConn
from ..storage.rows import OPEN_STATES
from ..storage.schema import conversations as C
from .limits import RateLimiter

OPEN_RETRY_AFTER = 30           # seconds: a guess at how long a chat takes to finish


class NewChatGate:
    """One visitor's attempt to open a chat: `admit` inside the write transaction, before the
    conversation is created; the new row takes `columns()` (the address it was opened from)."""

    def __init__(self, limits: ChatLimits, address: str, visitor_id: str):
        self.limits, self.address, self.visitor_id = limits, address, visitor_id

    async def admit(self, conn: AnyConn) -> None:
        await self.limits.admit(conn, self.address, self.visitor_id)

    def columns(self) -> dict[str, Any]:
        return {"opened_from": self.address}


class ChatLimits:
    """The defaults are ServerConfig's (server/config.py)."""

    def __init__(self, per_address: int, address_per_minute: int, visitor_per_minute: int):
        self.per_address = max(0, per_address)
        self.address_rate = RateLimiter(address_per_minute, "address")
        self.visitor_rate = RateLimiter(visitor_per_minute, "visitor")

    def gate(self, address: str, visitor_id: str) -> NewChatGate:
        return NewChatGate(self, address, visitor_id)

    async def admit(self, conn: AnyConn, address: str, visitor_id: str) -> None:
        if self.per_address:
            held = await open_from(conn, address)
            if held >= self.per_address:
                raise TooMany(f"This address already has {held} open chats, the most it may hold; "
                              "please finish one before starting another.", OPEN_RETRY_AFTER)
        wait = await self.address_rate.take(address, conn)
        if wait:
            raise TooMany(f"Too many new chats from this address; try again in {_seconds(wait)}.",
                          round(wait + 0.5))
        wait = await self.visitor_rate.take(visitor_id, conn)
        if wait:
            raise TooMany(f"You started too many chats in a short time; try again in {_seconds(wait)}.",
                          round(wait + 0.5))


async def open_from(conn: AnyConn, address: str) -> int:
    """Open chats opened from `address` (an index look-up: ix_conversations_opened_from)."""
    return (await conn.execute(select(func.count()).select_from(C).where(
        C.c.opened_from == address, C.c.state.in_(OPEN_STATES)))).scalar_one()


def _seconds(wait: float) -> str:
    n = max(1, round(wait + 0.5))
    return "1 second" if n == 1 else f"{n} seconds"
