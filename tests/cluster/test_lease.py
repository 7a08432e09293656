"""The sweeper's lease in one process, on the suite's database: the fence refuses a write of a
holding that another process has taken over, even while the old holder's own deadline says it still
holds; the keeper renews on its own thread, so a loop blocked for longer than the lease lives keeps
it, while a loop that stays silent past the keeper's limit gives it up."""
from __future__ import annotations

import asyncio
import contextlib
import time

import pytest

from chatdesk.server.cluster.fence import LeaseLost, SweepFence
from chatdesk.server.cluster.lease import TTL, Lease
from chatdesk.server.cluster.lease_keeper import LeaseKeeper
from chatdesk.server.storage.engine import open_database
from chatdesk.server.storage.migrations import migrate_async
from tests.support.database import rows
from tests.support.live_server import database_for_test


@pytest.fixture
async def target(tmp_path):
    target = database_for_test() or str(tmp_path / "chat.db")
    db = open_database(target)
    await migrate_async(db)
    await db.close()
    return target


async def take(db, lease: Lease, now: float, began: float | None = None) -> float:
    began = time.monotonic() if began is None else began
    async with db.write() as conn:
        token = await lease.renew_or_take(conn, now)
    lease.adopt(token, began)
    return token


async def test_the_fence_refuses_the_old_holding_once_another_process_took_the_lease(target):
    db = open_database(target)
    try:
        a, b = Lease("sweeper", "a"), Lease("sweeper", "b")
        fence_a, fence_b = SweepFence(a), SweepFence(b)
        t = time.time()
        # a's own deadline far ahead: as if its clock, or its last look, still said "mine"
        token_a = await take(db, a, t, began=time.monotonic() + 3600)
        assert token_a == t and fence_a.proven()
        async with db.write() as conn:
            await fence_a.check(conn)
        assert await take(db, b, t + TTL / 2) == 0.0            # not expired: b waits
        token_b = await take(db, b, t + TTL + 0.1)                 # expired: b takes it
        assert token_b and b.holding() == token_b
        assert fence_a.proven()                                    # a's memory alone would act...
        with pytest.raises(LeaseLost):                             # ...its write does not
            async with db.write() as conn:
                await fence_a.check(conn)
        async with db.write() as conn:
            await fence_b.check(conn)
        assert await take(db, a, t + TTL + 0.2) == 0.0             # a's next renewal: lost
        assert a.holding() == 0.0 and not fence_a.proven()
        assert fence_a.refused == 2
        # a takes it again later: a new holding, and b's old one is refused in turn
        token_a2 = await take(db, a, t + 2 * TTL + 1)
        assert token_a2 not in (0.0, token_a)
        with pytest.raises(LeaseLost):
            async with db.write() as conn:
                await fence_b.check(conn)
    finally:
        await db.close()


@contextlib.asynccontextmanager
async def keeper(target, name: str, **kw):
    seen = [time.monotonic()]

    async def pulse() -> None:
        while True:
            seen[0] = time.monotonic()
            await asyncio.sleep(0.05)
    task = asyncio.create_task(pulse())
    lease = Lease("sweeper", name)
    k = LeaseKeeper(target, lease, lambda: seen[0], **kw)
    k.start()
    await asyncio.to_thread(k.first_done.wait, 30)
    try:
        yield k, task
    finally:
        task.cancel()
        await asyncio.to_thread(k.stop)


@pytest.mark.timeout(60)
async def test_a_loop_blocked_longer_than_the_lease_lives_keeps_it(target):
    async with keeper(target, "a") as (k, _pulse):
        token = k.lease.holding()
        assert token
        renewals = k.renewals
        time.sleep(TTL + 1)            # the loop blocked (as a long synchronous call would)
        assert k.lease.holding() == token
        assert k.renewals > renewals
        assert rows(target, "SELECT holder, taken_at FROM leases WHERE name = 'sweeper'") == [("a", token)]


@pytest.mark.timeout(60)
async def test_a_loop_silent_past_the_keepers_limit_gives_the_lease_up(target):
    async with keeper(target, "a", loop_silent=1.0) as (k, pulse):
        assert k.lease.holding()
        pulse.cancel()                 # the loop shows no more sign of life
        time.sleep(TTL + 2)            # silent for 1 s: no more renewals; the lease lapses TTL later
        assert k.lease.holding() == 0.0
        db = open_database(target)
        try:
            assert await take(db, Lease("sweeper", "b"), time.time())
        finally:
            await db.close()
