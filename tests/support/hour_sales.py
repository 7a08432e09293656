"""Orders after chats in two hours of one day, three days ago, on a real server: the chats and
orders are made now over the real API (so the server credits each order as it always does: last
touch, within the attribution window, taken chats only), then each chat is moved, with its
messages and the orders credited to it, to its hour on that day (SQL on the server's database,
either engine). The report by hour must count each order for the hour its chat was queued in:

10:00  four chats: A (sells twice, the orders moved past 11:00), B, C (missed, then C orders:
       credited to no chat) and X's first        -> 1 converted, 2 orders, 100.00, 25 %
11:00  no chats (A's orders came then, but count for 10:00)
14:00  F (sells while open) and X's second chat (last touch: X's order) -> 2, 2, 105.50, 100 %"""
from __future__ import annotations

import time
from dataclasses import dataclass

from tests.support.api import Operator
from tests.support.database import rows
from tests.support.live_server import LiveServer
from tests.support.visitor import Visitor

DAYS_AGO = 3
CONVERSATION_TIMES = ("queued_at", "accepted_at", "assigned_at", "first_response_at", "closed_at", "rated_at")


@dataclass
class HourSales:
    day_start: float          # local midnight of the seeded day

    @property
    def day_end(self) -> float:
        return self.day_start + 86_400 + 3_600     # past the day, whatever daylight saving does

    @property
    def day(self) -> str:
        return time.strftime("%Y-%m-%d", time.localtime(self.day_start))


def local_midnight(days_ago: int) -> float:
    t = time.localtime(time.time() - days_ago * 86_400)
    return time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0, 0, 0, -1))


def at(day_start: float, hour: int, minute: int) -> float:
    t = time.localtime(day_start)
    return time.mktime((t.tm_year, t.tm_mon, t.tm_mday, hour, minute, 0, 0, 0, -1))


def move_chat(server: LiveServer, cid: int, queued_at: float) -> None:
    """The chat and its messages shifted in time so that it was queued at `queued_at`."""
    ((was,),) = rows(server.database, "SELECT queued_at FROM conversations WHERE id = ?", cid)
    shift = queued_at - was
    moved = ", ".join(f"{c} = {c} + ?" for c in CONVERSATION_TIMES)
    rows(server.database, f"UPDATE conversations SET {moved} WHERE id = ?", *[shift] * len(CONVERSATION_TIMES), cid)
    rows(server.database, "UPDATE messages SET ts = ts + ? WHERE conversation_id = ?", shift, cid)


def move_order(server: LiveServer, ref: str, ts: float) -> None:
    rows(server.database, "UPDATE orders SET ts = ? WHERE order_ref = ?", ts, ref)


async def sell_in_two_hours(server: LiveServer, operator: Operator) -> HourSales:
    """`operator` takes the chats."""
    day = local_midnight(DAYS_AGO)

    async def chat(v: Visitor) -> int:
        cid = await v.start_chat("Is it waterproof?")
        await operator.ok("POST", f"/conversations/{cid}/accept")
        await operator.say(cid, "Yes, it is.")
        return cid

    async def close(cid: int) -> None:
        await operator.ok("POST", f"/conversations/{cid}/close", {"summary": "done"})

    async def order(v: Visitor, ref: str, value: float) -> None:
        await v.call("POST", "/visitor/events", {"type": "order", "id": ref, "value": value, "currency": "EUR"})

    a, b, c, x, f = [await Visitor(server).arrive(url="https://shop.test/tent", title="Tent") for _ in range(5)]
    chats = {"A": await chat(a), "B": await chat(b), "X1": await chat(x)}
    chats["C"] = await c.start_chat("Anyone?")
    await c.ok("POST", f"/visitor/conversations/{chats['C']}/close")        # missed: nobody took it
    await order(a, "A-1", 60.0)
    await order(a, "A-2", 40.0)
    await order(c, "C-1", 999.0)
    for name in ("A", "B", "X1"):
        await close(chats[name])
    chats["F"] = await chat(f)
    await order(f, "F-1", 80.0)
    chats["X2"] = await chat(x)
    await order(x, "X-1", 25.5)
    for name in ("F", "X2"):
        await close(chats[name])

    for name, (hour, minute) in {"A": (10, 50), "B": (10, 51), "C": (10, 52), "X1": (10, 53),
                                 "F": (14, 5), "X2": (14, 30)}.items():
        move_chat(server, chats[name], at(day, hour, minute))
    for ref, (hour, minute) in {"A-1": (11, 10), "A-2": (11, 20), "C-1": (11, 30), "F-1": (14, 15),
                                "X-1": (14, 40)}.items():
        move_order(server, ref, at(day, hour, minute))
    return HourSales(day_start=day)
