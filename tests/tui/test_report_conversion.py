"""The report's conversion: orders credited to chats, by operator on a line and by hour in columns,
only when there are any."""
from __future__ import annotations

from textual.content import Content

from chatdesk.protocol.staff import HourReport, OperatorReport
from chatdesk.tui.screens.report import conversion_line
from chatdesk.tui.screens.report_hours import hour_chart, money


def test_the_line_names_each_selling_operator_best_first():
    ops = [OperatorReport(operator_id=1, name="Dana Park", chats=10, orders=1, revenue=50.0, converted=1,
                          conversion=0.1),
           OperatorReport(operator_id=2, name="Omar", chats=4, orders=3, revenue=300.5, converted=2, conversion=0.5),
           OperatorReport(operator_id=3, name="Lee", chats=6)]
    text = Content.assemble(*conversion_line(ops)).plain
    assert text == "\norders after chats 4 (350.50)  conversion Omar 50 % · Dana Park 10 %"


def test_no_orders_no_line():
    assert conversion_line([OperatorReport(operator_id=1, name="Dana", chats=3)]) == []


def test_the_hours_get_sales_columns_once_anything_sold():
    hours = [HourReport(hour=h) for h in range(24)]
    hours[10] = HourReport(hour=10, chats=4, answered=3, missed=1, first_response_median=185, converted=1, orders=2,
                           revenue=100.0, conversion=0.25)
    hours[14] = HourReport(hour=14, chats=2, answered=2, conversion=0.0)
    head, ten, two = hour_chart(hours).plain.splitlines()
    assert head.split()[-3:] == ["sold", "conv", "revenue"]
    assert ten.split()[-7:] == ["4", "1", "3m05", "1", "25", "%", "100.00"]
    assert two.split()[-7:] == ["2", "0", "—", "0", "0", "%", "—"]
    assert len(head) == len(ten) == len(two) <= 78                    # aligned, and fits 80 columns
    assert (money(420.5), money(123_456.0), money(250_000_000.0)) == ("420.50", "123k", "250M")
