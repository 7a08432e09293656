"""Limits hold for all processes together: a visitor spreading requests over three processes gets
what one process would allow (not three times as much), and a password guesser's failures on one
process slow its attempts on another."""
from __future__ import annotations

import time

import httpx
import pytest

from tests.support.cluster import Cluster
from tests.support.visitor import Visitor

RATE = 30          # --visitor-rate: per minute and visitor, a burst of 30


@pytest.fixture
def three(tmp_path):
    cl = Cluster(tmp_path / "chat.db", 3, extra_args=["--visitor-rate", str(RATE)]).start()
    yield cl
    cl.stop()


@pytest.mark.timeout(180)
async def test_a_visitor_rate_limit_is_one_limit_across_three_processes(three):
    v = await Visitor(three[0]).arrive()
    await v.start_chat("hello")
    clients = [httpx.AsyncClient(base_url=s.url + "/api/v1", headers={"Authorization": f"Bearer {v.token}"},
                                 timeout=20) for s in three.servers]
    admitted, refused = 0, 0
    started = time.monotonic()
    try:
        for n in range(3 * RATE + 30):          # round-robin: each process sees a third
            r = await clients[n % 3].get(f"/visitor/conversations/{v.cid}")
            if r.status_code == 429:
                refused += 1
                assert "Too many requests" in r.json()["message"]
            else:
                assert r.status_code == 200, r.text
                admitted += 1
    finally:
        for c in clients:
            await c.aclose()
        await v.close()
    seconds = time.monotonic() - started
    allowed = RATE + seconds * RATE / 60           # the burst plus what refilled meanwhile
    print(f"\nshared visitor limit {RATE}/min over 3 processes: admitted {admitted}, refused {refused} "
          f"in {seconds:.1f} s (one process alone would allow {allowed:.0f})")
    assert refused > 0
    assert admitted <= 1.25 * allowed + 2, admitted    # a quarter over at most, never 3-fold


@pytest.mark.timeout(180)
async def test_failed_logins_on_one_process_slow_the_next_on_another(three):
    three[0].add_user("ana@example.com", "Ana")
    async with httpx.AsyncClient(timeout=30) as http:
        for _ in range(4):
            r = await http.post(three[0].url + "/api/v1/auth/login", json={"email": "ana@example.com", "password": "wrong"})
            assert r.status_code == 401
        started = time.monotonic()
        r = await http.post(three[1].url + "/api/v1/auth/login", json={"email": "ana@example.com", "password": "wrong"})
        delayed = time.monotonic() - started
    assert r.status_code == 401
    assert delayed >= 0.9, delayed      # 4 failures x 0.25 s, elsewhere: the throttle is shared
