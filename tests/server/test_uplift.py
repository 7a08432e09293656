"""The opener statistics against published values: Newcombe (1998), "Interval estimation for the
difference between independent proportions", Statistics in Medicine 17:873-890, Table II,
method 10 (hybrid score) and method 1 (Wald), examples (a)-(f)."""
from __future__ import annotations

import pytest

from chatdesk.server.services.uplift import MIN_GROUP, newcombe_difference, uplift, wald_difference, wilson

NEWCOMBE_TABLE_II = [      # k1, n1, k2, n2 -> method 10 interval
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
]


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_TABLE_II)
def test_newcombe_hybrid_score_interval_matches_the_paper(counts, expected):
    found = newcombe_difference(*counts)
    assert (round(found.low, 4), round(found.high, 4)) == expected
    assert found.low <= found.difference <= found.high


def test_wald_interval_matches_the_paper_and_is_narrower_at_the_edges():
    found = wald_difference(56, 70, 48, 80)
    assert (round(found.low, 4), round(found.high, 4)) == (0.0575, 0.3425)
    assert wald_difference(0, 10, 0, 20).high == 0.0          # its known aberration: zero width
    assert newcombe_difference(0, 10, 0, 20).high > 0.2


def test_wilson_interval_known_value():
    # Wilson score interval for 81/263: Newcombe (1998), "Two-sided confidence intervals for the
    # single proportion", Statistics in Medicine 17:857-872, the example in its text
    low, high = wilson(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    with pytest.raises(ValueError):
        wilson(3, 0)


def test_not_enough_data_below_the_minimum_sample():
    assert uplift(10, MIN_GROUP - 1, 5, 500) is None
    assert uplift(10, 500, 5, MIN_GROUP - 1) is None
    found = uplift(60, 500, 40, 500)
    assert found is not None and found.method == "newcombe" and found.difference == pytest.approx(0.04)
