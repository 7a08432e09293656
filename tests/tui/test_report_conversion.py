"""The report's conversion line: orders credited to chats, by operator, only when there are any."""
from __future__ import annotations

from textual.content import Content

from chatdesk.protocol.staff import OperatorReport
from chatdesk.tui.screens.report import conversion_line


def test_the_line_names_each_selling_operator_best_first():
    ops = [OperatorReport(operator_id=1, name="Dana Park", chats=10, orders=1, revenue=50.0, converted=1,
                          conversion=0.1),
           OperatorReport(operator_id=2, name="Omar", chats=4, orders=3, revenue=300.5, converted=2, conversion=0.5),
           OperatorReport(operator_id=3, name="Lee", chats=6)]
    text = Content.assemble(*conversion_line(ops)).plain
    assert text == "\norders after chats 4 (350.50)  conversion Omar 50 % · Dana Park 10 %"


def test_no_orders_no_line():
    assert conversion_line([OperatorReport(operator_id=1, name="Dana", chats=3)]) == []
