"""The wait estimate's arithmetic: Comm100's rule on the 25th-75th percentile of recent chat lengths."""
from __future__ import annotations

from chatdesk.server.services.wait_estimate import ChatLengths, chat_lengths, estimate, percentile, rounds


def test_rounds_follow_the_rule():
    # two operators holding 3 chats each: 6 slots; positions 1-6 wait one chat length, 7-12 two
    assert [rounds(p, 6) for p in (1, 6, 7, 12, 13)] == [1, 1, 2, 2, 3]
    assert [rounds(p, 1) for p in (1, 2, 3)] == [1, 2, 3]
    assert rounds(4, 0) == 4            # nobody online: one at a time


def test_percentiles_interpolate_between_ranks():
    values = [60.0, 120.0, 180.0, 240.0, 300.0]
    assert (percentile(values, 0.25), percentile(values, 0.75)) == (120.0, 240.0)
    assert percentile([100.0, 200.0], 0.25) == 125.0


def test_lengths_come_from_measured_chats_once_there_are_enough():
    assert chat_lengths([30.0, 40.0], assumed_s=300) == ChatLengths(300.0, 300.0)
    assert chat_lengths([300.0, 100.0, 200.0, 400.0, 500.0], assumed_s=60) == ChatLengths(200.0, 400.0)


def test_the_estimate_is_a_range_scaled_by_the_rounds():
    lengths = ChatLengths(200.0, 400.0)
    assert estimate(1, 2, lengths) == (200, 400)
    assert estimate(3, 2, lengths) == (400, 800)
