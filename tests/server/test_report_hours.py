"""The report by hour counts the orders credited to chats (last touch, within the attribution
window, taken chats only) for the hour each chat was queued in: a real server over HTTP, its
chats moved to two hours of a day three days ago (support/hour_sales.py)."""
from __future__ import annotations

from tests.support.api import Operator
from tests.support.hour_sales import sell_in_two_hours


async def test_orders_count_for_the_hour_their_chat_was_queued_in(server):
    hana = await Operator.create(server, "hana@hours.test", name="Hana Hours")
    lead = await Operator.create(server, "lead@hours.test", role="supervisor")
    seeded = await sell_in_two_hours(server, hana)
    rep = await lead.ok("GET", f"/reports/summary?since={seeded.day_start}&until={seeded.day_end}")
    hours = {h["hour"]: h for h in rep["by_hour"]}

    def sold(hour: int) -> tuple:
        h = hours[hour]
        return h["chats"], h["converted"], h["orders"], h["revenue"], h["conversion"]
    assert sold(10) == (4, 1, 2, 100.0, 0.25)        # A's two orders, though they came after 11:00
    assert sold(11) == (0, 0, 0, 0.0, None)          # orders came, but no chat was queued then
    assert sold(14) == (2, 2, 2, 105.5, 1.0)         # X's order goes to its last chat, at 14:30
    assert sum(h["orders"] for h in rep["by_hour"]) == 4      # C's chat was missed: its order counts nowhere
    (mine,) = rep["by_operator"]                     # the hours add up to the operator's figures
    assert (mine["chats"], mine["converted"], mine["orders"], mine["revenue"]) == (5, 3, 4, 205.5)
