"""Limits on new chats, so one client cannot flood the queue (docs/security.md, "Queue flood").

- At most `per_address` open (queued or active) chats started from one client address.
- At most `address_per_minute` new chats a minute from one address and `visitor_per_minute` from
  one visitor (token buckets: that many at once, refilled over a minute).
A visitor holds one open chat at a time anyway (writing again joins it). Over a limit the start is
refused with 429 and a sentence; the chats already open are untouched. 0 turns a limit off.
Which address opened which chat is kept in memory: after a restart the count starts afresh.
"""
from __future__ import annotations

from sqlalchemy import select

from ..services.errors import TooMany
from ..storage.db import AnyConn
from ..storage.rows import OPEN_STATES
from ..storage.schema import conversations as C
from .limits import RateLimiter

OPEN_RETRY_AFTER = 30           # seconds: a guess at how long a chat takes to finish
TRACKED_MAX = 20_000            # chat ids remembered before the closed ones are swept out


async def _still_open(conn: AnyConn, cids: set[int]) -> set[int]:
    found: set[int] = set()
    ids = sorted(cids)
    for i in range(0, len(ids), 500):
        rows = await conn.execute(select(C.c.id).where(C.c.id.in_(ids[i:i + 500]), C.c.state.in_(OPEN_STATES)))
        found.update(rows.scalars())
    return found


class NewChatGate:
    """One visitor's attempt to open a chat: `admit` inside the write transaction, before the
    conversation is created (so two starts cannot both slip under the cap), `opened` after."""

    def __init__(self, limits: ChatLimits, address: str, visitor_id: str):
        self.limits, self.address, self.visitor_id = limits, address, visitor_id

    async def admit(self, conn: AnyConn) -> None:
        await self.limits.admit(conn, self.address, self.visitor_id)

    def opened(self, conversation_id: int) -> None:
        self.limits.opened(self.address, conversation_id)


class ChatLimits:
    """The defaults are ServerConfig's (server/config.py)."""

    def __init__(self, per_address: int, address_per_minute: int, visitor_per_minute: int):
        self.per_address = max(0, per_address)
        self.address_rate = RateLimiter(address_per_minute, "address")
        self.visitor_rate = RateLimiter(visitor_per_minute, "visitor")
        self._open: dict[str, set[int]] = {}
        self._tracked = 0

    def gate(self, address: str, visitor_id: str) -> NewChatGate:
        return NewChatGate(self, address, visitor_id)

    async def admit(self, conn: AnyConn, address: str, visitor_id: str) -> None:
        await self.sweep(conn)
        if self.per_address:
            held = self._open.get(address, set())
            if len(held) >= self.per_address:
                held = await self._prune(conn, address)
            if len(held) >= self.per_address:
                raise TooMany(f"This address already has {len(held)} open chats, the most it may hold; "
                              "please finish one before starting another.", OPEN_RETRY_AFTER)
        wait = await self.address_rate.take(address, conn)
        if wait:
            raise TooMany(f"Too many new chats from this address; try again in {_seconds(wait)}.",
                          round(wait + 0.5))
        wait = await self.visitor_rate.take(visitor_id, conn)
        if wait:
            raise TooMany(f"You started too many chats in a short time; try again in {_seconds(wait)}.",
                          round(wait + 0.5))

    def opened(self, address: str, conversation_id: int) -> None:
        if not self.per_address:
            return
        self._open.setdefault(address, set()).add(conversation_id)
        self._tracked += 1

    async def sweep(self, conn: AnyConn) -> None:
        """Forgets the chats that have closed, once many are remembered (memory stays bounded)."""
        if self._tracked <= TRACKED_MAX:
            return
        still = await _still_open(conn, {cid for held in self._open.values() for cid in held})
        self._open = {a: kept for a, held in self._open.items() if (kept := held & still)}
        self._tracked = sum(len(held) for held in self._open.values())

    async def _prune(self, conn: AnyConn, address: str) -> set[int]:
        held = self._open.get(address, set())
        kept = await _still_open(conn, held)
        self._tracked -= len(held) - len(kept)
        if kept:
            self._open[address] = kept
        else:
            self._open.pop(address, None)
        return kept


def _seconds(wait: float) -> str:
    n = max(1, round(wait + 0.5))
    return "1 second" if n == 1 else f"{n} seconds"
