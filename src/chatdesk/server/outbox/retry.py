"""When to try a failed delivery again: exponential backoff with full jitter (a uniform wait
between 0 and base * 2^(attempts-1), never above cap), until the delivery's give-up time."""
from __future__ import annotations

import random


def next_delay(attempts: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Seconds to wait after the `attempts`-th failed attempt (attempts >= 1)."""
    ceiling = min(cap, base * 2 ** min(max(attempts - 1, 0), 60))
    return (rng or random).uniform(0, ceiling)
