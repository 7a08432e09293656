"""The uplift of an opener: the difference between two conversion proportions (treatment minus
control) with a 95 % interval. Pure arithmetic, no I/O.

Newcombe's hybrid score interval (his method 10, 1998) is the default: it combines the two Wilson
score intervals, stays inside [-1, 1] and keeps its coverage with small or extreme counts, where
the Wald interval (difference ± z·SE) is too narrow. Wald is kept for comparison."""
from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054      # the standard normal's 97.5th percentile
MIN_GROUP = 50               # below this many visits in either group: "not enough data yet"
NOT_ENOUGH = "not enough data yet"


@dataclass(frozen=True)
class Interval:
    difference: float
    low: float
    high: float
    method: str


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for k successes in n trials."""
    if n <= 0 or not 0 <= k <= n:
        raise ValueError("need 0 <= k <= n and n > 0")
    p, z2 = k / n, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def wald_difference(k1: int, n1: int, k2: int, n2: int, z: float = Z95) -> Interval:
    p1, p2 = k1 / n1, k2 / n2
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    d = p1 - p2
    return Interval(d, d - z * se, d + z * se, "wald")


def newcombe_difference(k1: int, n1: int, k2: int, n2: int, z: float = Z95) -> Interval:
    """p1 - p2 with Newcombe's hybrid score interval."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1, z)
    l2, u2 = wilson(k2, n2, z)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Interval(d, low, high, "newcombe")


def uplift(k_treat: int, n_treat: int, k_control: int, n_control: int,
           minimum: int = MIN_GROUP) -> Interval | None:
    """Treatment minus control conversion, or None while either group is below `minimum`."""
    if min(n_treat, n_control) < max(1, minimum):
        return None
    return newcombe_difference(k_treat, n_treat, k_control, n_control)
