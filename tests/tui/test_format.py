"""The small text helpers of the desk: wait times and the colour band a wait falls in."""
from __future__ import annotations

import pytest

from chatdesk.tui.format import age_class, fmt_wait
from chatdesk.tui.widgets.queue_panel import QueuePanel
from tests.support.harness import NOW, Harness, queue_entry


@pytest.mark.parametrize(("seconds", "band"), [
    (-3, "fresh"), (0, "fresh"), (29.9, "fresh"),         # a clock a little behind still reads fresh
    (30, "waiting"), (60, "waiting"), (89.99, "waiting"),
    (90, "late"), (600, "late"), (86_400, "late"),
])
def test_age_class_bands_a_wait_fresh_waiting_late(seconds, band):
    assert age_class(seconds) == band


def test_fmt_wait_short_enough_for_a_queue_row():
    assert [fmt_wait(s) for s in (-1, 7, 65.9, 125, 3599, 3900)] == ["0:00", "0:07", "1:05", "2:05", "59:59", "1h05"]


async def test_queue_row_wait_is_coloured_by_its_band_and_moves_on_with_the_clock():
    clock = [NOW]
    panel = QueuePanel(clock=lambda: clock[0])
    async with Harness(panel).run_test(size=(40, 12)) as pilot:
        panel.set_entries([queue_entry(1, 10, "Ann"), queue_entry(2, 45, "Bo"), queue_entry(3, 95, "Cy")])
        await pilot.pause()
        panel.cursor = 3                                   # no row under the cursor: plain band colours

        def wait_style(row: int):
            segment = next(s for s in panel.render_line(row * 3) if ":" in s.text)
            return segment.text.strip(), segment.style
        bands = {b: panel.get_component_rich_style(f"queue--{b}") for b in ("fresh", "waiting", "late")}
        assert len({str(s) for s in bands.values()}) == 3        # three distinct looks
        assert [wait_style(r) for r in range(3)] == [("0:10", bands["fresh"]), ("0:45", bands["waiting"]),
                                                     ("1:35", bands["late"])]
        clock[0] += 50                                     # Ann has now waited 60 s, Bo 95 s
        assert [wait_style(r) for r in range(2)] == [("1:00", bands["waiting"]), ("1:35", bands["late"])]
