"""A staffed day for the report's screenshot (scripts/report_shot.py): four operators' chats from
08:00 to 18:00 on one fixed day, busier at midday and mid-afternoon, some missed, some rated, some
followed by an order. The chats, ratings and orders are made over the real API (so the server
counts and credits them as it always does), then each chat is retimed on the server's database so
that it was queued, accepted, first answered and closed when the plan says: the figures come out
the same on every run."""
from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.support.api import Operator
from tests.support.database import rows
from tests.support.hour_sales import at
from tests.support.live_server import LiveServer
from tests.support.visitor import Visitor

DAY = (2025, 11, 24)                      # a Monday
SHOP = "https://northwind.example"
OPERATORS = [("dana@report.test", "Dana Park"), ("omar@report.test", "Omar Reyes"),
             ("nico@report.test", "Nico Brandt"), ("lee@report.test", "Lee Novak")]
SHARE = (4, 3, 2, 1)                      # how the chats fall to them
SUPERVISOR = ("sam@report.test", "Sam Okafor")
CHATS_BY_HOUR = {8: 2, 9: 4, 10: 6, 11: 8, 12: 7, 13: 5, 14: 6, 15: 8, 16: 5, 17: 3}
MISSED_BY_HOUR = {11: 1, 12: 1, 15: 2, 17: 1}
ORDER_VALUES = (39.0, 59.0, 89.9, 129.0, 189.0, 249.5)
CONVERSATION_TIMES = ("queued_at", "accepted_at", "assigned_at", "first_response_at", "closed_at", "rated_at")


@dataclass(frozen=True)
class PlannedChat:
    queued: float
    operator: int | None       # index into OPERATORS; None: missed (the visitor left after `first`)
    first: float               # seconds from queued to the first reply
    handle: float              # seconds from accepted to closed
    rating: int | None
    order: float | None        # the value of the order that followed the chat


def day_start() -> float:
    """Local midnight of DAY (the report's hours are the server's local hours)."""
    return time.mktime((*DAY, 0, 0, 0, 0, 0, -1))


def day_text() -> str:
    year, month, day = DAY
    return f"{year:04d}-{month:02d}-{day:02d}"


def plan(start: float) -> list[PlannedChat]:
    rng = random.Random(24)
    chats: list[PlannedChat] = []
    for hour, count in CHATS_BY_HOUR.items():
        missed = set(rng.sample(range(count), MISSED_BY_HOUR.get(hour, 0)))
        for i, minute in enumerate(sorted(rng.sample(range(60), count))):
            queued = at(start, hour, minute) + rng.randint(0, 59)
            if i in missed:
                chats.append(PlannedChat(queued, None, float(rng.randint(90, 240)), 0.0, None, None))
                continue
            busy = count / 4                     # first replies are slower in the busy hours
            chats.append(PlannedChat(
                queued, rng.choices(range(len(OPERATORS)), weights=SHARE)[0],
                first=float(round(rng.uniform(8, 30) * busy)), handle=float(rng.randint(150, 780)),
                rating=rng.choice((None, None, 5, 5, 4, 3)),
                order=rng.choice(ORDER_VALUES) if rng.random() < 0.25 else None))
    return chats


async def staff_a_day(srv: LiveServer) -> str:
    """Make the planned day on `srv`; returns a supervisor's token."""
    two_at_once = asyncio.Semaphore(2)          # the server answers more logins from one address with 429

    async def account(email: str, name: str, role: str = "operator") -> str:
        async with two_at_once:
            return await asyncio.to_thread(srv.operator, email, name, role=role)
    tokens = await asyncio.gather(*(account(email, name) for email, name in OPERATORS),
                                  account(*SUPERVISOR, role="supervisor"))
    ops = [Operator(srv, token, name) for token, (_, name) in zip(tokens, OPERATORS, strict=False)]
    planned = plan(day_start())
    try:
        for n, chat in enumerate(planned):
            cid = await _chat(srv, ops, chat, n)
            _retime(srv, cid, chat)
    finally:
        await asyncio.gather(*(op.close() for op in ops))
    return tokens[-1]


async def _chat(srv: LiveServer, ops: list[Operator], chat: PlannedChat, n: int) -> int:
    v = await Visitor(srv).arrive(url=SHOP + "/shop/product.html", title="Trail Runner 2 — Northwind")
    try:
        cid = await v.start_chat("Do these run true to size?")
        if chat.operator is None:
            await v.ok("POST", f"/visitor/conversations/{cid}/close")       # left before anyone took it
            return cid
        op = ops[chat.operator]
        await op.ok("POST", f"/conversations/{cid}/accept")
        await op.say(cid, "Hi! Yes, they do.")
        await v.say("Thanks!")
        await op.ok("POST", f"/conversations/{cid}/close", {"summary": "Asked about sizes."})
        if chat.rating is not None:
            await v.ok("POST", f"/visitor/conversations/{cid}/rating", {"rating": chat.rating})
        if chat.order is not None:
            await v.call("POST", "/visitor/events", {"type": "order", "id": f"R-{n}", "value": chat.order,
                                                     "currency": "EUR"})
        return cid
    finally:
        await v.close()


def _retime(srv: LiveServer, cid: int, chat: PlannedChat) -> None:
    """Move the chat, its messages and its orders onto the plan's times, keeping their order."""
    ((queued, accepted, first, closed),) = rows(
        srv.database, "SELECT queued_at, accepted_at, first_response_at, closed_at FROM conversations WHERE id = ?", cid)
    if chat.operator is None:
        move = timeline([(queued, chat.queued), (closed, chat.queued + chat.first)])
    else:
        took = chat.queued + chat.first - min(6.0, chat.first / 2)
        move = timeline([(queued, chat.queued), (accepted, took), (first, chat.queued + chat.first),
                         (closed, took + chat.handle)])
    times = rows(srv.database, f"SELECT {', '.join(CONVERSATION_TIMES)} FROM conversations WHERE id = ?", cid)[0]
    moved = ", ".join(f"{c} = ?" for c in CONVERSATION_TIMES)
    rows(srv.database, f"UPDATE conversations SET {moved} WHERE id = ?",
         *[None if t is None else move(t) for t in times], cid)
    for table, key in (("messages", "conversation_id"), ("orders", "conversation_id")):
        for mid, ts in rows(srv.database, f"SELECT id, ts FROM {table} WHERE {key} = ?", cid):
            rows(srv.database, f"UPDATE {table} SET ts = ? WHERE id = ?", move(ts), mid)


def timeline(anchors: list[tuple[float, float]]) -> Callable[[float], float]:
    """Real time -> planned time, piecewise linear through the (real, planned) anchors: an anchor's
    own time maps exactly to its planned time (the first reply's message keeps the chat's
    first_response_at), times past the last anchor keep their distance from it."""
    pairs = sorted(anchors)

    def move(t: float) -> float:
        for real, planned in pairs:
            if t == real:
                return planned
        if t < pairs[0][0]:
            return pairs[0][1] - (pairs[0][0] - t)
        for (r0, p0), (r1, p1) in zip(pairs, pairs[1:], strict=False):
            if t < r1:
                return p0 + (t - r0) * (p1 - p0) / (r1 - r0)
        return pairs[-1][1] + (t - pairs[-1][0])
    return move
