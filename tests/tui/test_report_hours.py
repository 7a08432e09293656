"""The report's hours show what each hour sold (chats that led to an order, conversion, revenue)
on the real desk against a real server whose chats were moved to two hours of a day three days
ago (support/hour_sales.py): the supervisor asks for that day and reads it, at
120x34 and 80x24, every column on screen."""
from __future__ import annotations

import asyncio
import re

import pytest
from textual.widgets import Input, Static

from tests.support.api import Operator
from tests.support.database import in_thread
from tests.support.desk import make_desk, on_board
from tests.support.harness import screen_text
from tests.support.hour_sales import HourSales, sell_in_two_hours
from tests.support.live_server import LiveServer, serving
from tests.support.waiting import wait_for


@pytest.fixture(scope="module")
def sold_day(tmp_path_factory):
    """A server of this module's own (its chats moved days back would show in other tests'
    transcript lists), seeded once for both sizes: the server, the seeded day, a supervisor's token."""
    async def seed(srv: LiveServer) -> tuple[HourSales, str]:
        hana = await Operator.create(srv, "hana@hours.test", name="Hana Hours")
        lead = await Operator.create(srv, "lead@hours.test", role="supervisor")
        seeded = await sell_in_two_hours(srv, hana)
        await asyncio.gather(hana.close(), lead.close())
        return seeded, str(lead.token)
    for srv in serving(tmp_path_factory.mktemp("test_report_hours")):
        yield srv, *in_thread(seed(srv))


@pytest.mark.parametrize("size", [(120, 34), (80, 24)])
async def test_the_hours_show_what_each_hour_sold(sold_day, tmp_path, size):
    from chatdesk.tui.screens.report import ReportScreen
    from chatdesk.tui.screens.report_hours import hour_chart
    server, seeded, token = sold_day
    desk = make_desk(server, token, tmp_path)
    async with desk.run_test(size=size) as pilot:
        await on_board(pilot, desk)
        await pilot.press("p")
        report = await wait_for(lambda: isinstance(desk.screen, ReportScreen) and desk.screen.summary
                                and desk.screen, what="the report", pilot=pilot)
        for field in ("#report-since", "#report-until"):
            report.query_one(field, Input).value = seeded.day
        report.query_one("#report-until", Input).focus()
        await pilot.press("enter")
        await wait_for(lambda: report.summary.since == seeded.day_start, what="the seeded day's report", pilot=pilot)
        chart = report.query_one("#report-chart", Static)
        chart.scroll_visible(animate=False)
        await pilot.pause()
        text = screen_text(desk)
        header, ten, two = (next((line for line in text.splitlines() if re.search(pattern, line)), "")
                            for pattern in (r"chats +miss +1st +sold +conv +revenue", r"^ *10:00 ", r"^ *14:00 "))
        assert header and ten and two, text
        assert re.search(r"█ +4 +1 +\S+ +1 +25 % +100\.00", ten), ten
        assert re.search(r"█ +2 +0 +\S+ +2 +100 % +105\.50", two), two
        assert header.index("revenue") + len("revenue") == ten.index("100.00") + len("100.00")   # aligned
        widest = max(len(line) for line in hour_chart(report.summary.by_hour).plain.splitlines())
        assert widest <= chart.content_region.width                                            # nothing wraps
        assert not desk.errors()
