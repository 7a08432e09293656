"""The Openers screen's text charts: the interval strip puts zero, the interval and the point
where they belong on the shared axis, and the CSV writes rule text a spreadsheet would run as a
formula as plain text (numbers stay numbers)."""
from __future__ import annotations

import csv
import io

from chatdesk.client.openers_csv import rules_csv, safe_text
from chatdesk.protocol.openers import OpenerRule, RuleStats, Uplift
from chatdesk.tui.widgets.opener_chart import interval_strip, span_of


def stats(low: float, diff: float, high: float) -> RuleStats:
    return RuleStats(rule_id=1, since=0, until=1, window_days=7,
                     uplift=Uplift(difference=diff, low=low, high=high))


def test_the_strip_places_zero_interval_and_point_on_one_axis():
    s = stats(0.02, 0.05, 0.08)                       # all above zero: right of the middle
    strip = interval_strip(s, span_of([s]), 17)
    assert strip == "········│·───●───"                # -8 .. +8 points, 1 point a cell
    crossing = stats(-0.04, 0.01, 0.06)
    strip = interval_strip(crossing, span_of([s, crossing]), 17)
    assert "┼" in strip and strip.index("─") < strip.index("┼") < strip.index("●")
    assert interval_strip(None, 0.1, 9) == "····│····"        # no interval yet: the axis only
    assert span_of([None, s, crossing]) == 0.08


def test_csv_keeps_formula_text_as_text_and_numbers_as_numbers():
    rule = OpenerRule(id=1, name="=HYPERLINK(\"http://x\")", priority=1, texts={"en": "@here, -10 %\nnow"},
                      created_at=0, updated_at=0)
    rows = list(csv.DictReader(io.StringIO(rules_csv([rule], {1: stats(-0.02, 0.01, 0.04)}))))
    assert rows[0]["rule"] == "'=HYPERLINK(\"http://x\")" and rows[0]["opener"] == "'@here, -10 %\nnow"
    assert rows[0]["uplift_low"] == "-2.00" and rows[0]["uplift_points"] == "1.00"     # a number, unchanged
    assert safe_text("Boots") == "Boots" and safe_text("+1") == "'+1" and safe_text("\tx") == "'\tx"
