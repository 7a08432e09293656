"""The `connected` flag across processes: a visitor whose stream is open on process A shows as
online on a supervisor's desk on process B; offline again when the stream closes, and when A is
killed with -9 (once A's member row is stale, members.STALE_AFTER)."""
from __future__ import annotations

import asyncio
import time

import pytest

from chatdesk.server.cluster.members import STALE_AFTER
from tests.support.api import Operator
from tests.support.database import rows
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

LONG_AGO = 3600.0      # seconds: far past rows.ONLINE_WINDOW, so `online` says only `connected`


async def online(staff: Operator, vid: str) -> bool:
    return (await staff.ok("GET", f"/visitors/{vid}"))["online"]


@pytest.mark.timeout(120)
async def test_a_visitor_on_one_process_is_connected_on_the_other_until_it_leaves_or_dies(cluster):
    a, b = cluster[0], cluster[1]
    lead_b = await Operator.create(b, "lead@example.com", role="supervisor")
    lead_a = Operator(a, lead_b.token)
    v = await Visitor(a).arrive()
    rows(cluster.database, "UPDATE visitors SET last_seen = ? WHERE id = ?", time.time() - LONG_AGO, v.id)
    assert not await online(lead_b, v.id)

    await v.open_stream()
    opened_at = time.monotonic()
    assert await online(lead_a, v.id)                  # its own process knows at once
    await wait_for(lambda: online(lead_b, v.id), "online on the other process", timeout=10)
    shown = time.monotonic() - opened_at

    await v.close_stream()
    closed_at = time.monotonic()
    await wait_for(lambda: _not(online(lead_b, v.id)), "offline on the other process after it left", timeout=10)
    print(f"\nconnected on another process: online there {shown:.2f} s after the stream opened, "
          f"offline {time.monotonic() - closed_at:.2f} s after it closed")

    await v.open_stream()
    await wait_for(lambda: online(lead_b, v.id), "online again", timeout=10)
    killed_at = time.monotonic()
    await asyncio.to_thread(a.kill)
    await wait_for(lambda: _not(online(lead_b, v.id)), "offline once its process died", timeout=STALE_AFTER + 10)
    seen = time.monotonic() - killed_at
    print(f"connected on another process: offline {seen:.1f} s after its process was killed -9")
    assert seen >= STALE_AFTER - 1.0          # the member row's staleness, not something sooner
    await v.close()
    await lead_b.close()
    await lead_a.close()


async def _not(answer) -> bool:
    return not await answer
