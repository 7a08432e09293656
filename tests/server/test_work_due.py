"""When a work item is due: a clock time in the visitor's words, else the configured delay."""
from __future__ import annotations

from datetime import datetime

import pytest

from chatdesk.server.services.work_due import clock_time, due_at

NOON = datetime(2026, 3, 10, 12, 0).timestamp()     # server local time


@pytest.mark.parametrize(("text", "expected"), [
    ("after 5 pm", (17, 0)), ("14:30", (14, 30)), ("at 9", (9, 0)), ("tomorrow 10.15", (10, 15)),
    ("klo 15", (15, 0)), ("jutro o 16", (16, 0)), ("12am", (0, 0)), ("12 pm", (12, 0)),
    ("any time", None), ("order 12345", None), ("2 boxes", None), ("25:00", None), ("", None),
])
def test_clock_times_in_the_visitors_words(text, expected):
    assert clock_time(text) == expected


def test_due_today_tomorrow_at_once_or_after_the_default():
    hour = 3600.0
    assert due_at("after 5 pm", NOON, hour) == datetime(2026, 3, 10, 17, 0).timestamp()
    assert due_at("huomenna klo 9", NOON, hour) == datetime(2026, 3, 11, 9, 0).timestamp()
    assert due_at("at 9", NOON, hour) == NOON                 # past already: due now
    assert due_at("evenings", NOON, hour) == NOON + hour
    assert due_at("", NOON, 600) == NOON + 600
