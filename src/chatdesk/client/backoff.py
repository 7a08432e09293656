"""The pause between two retries: jittered so many desks don't retry in step, and cut short when
something worth trying again for happens (a new message queued, the network back)."""
from __future__ import annotations

import asyncio
import random


async def pause_or_wake(wake: asyncio.Event, delay: float) -> None:
    wake.clear()
    try:
        await asyncio.wait_for(wake.wait(), delay * random.uniform(0.8, 1.2))
    except TimeoutError:
        pass
