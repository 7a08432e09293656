"""kill -9 with deliveries pending: the outbox is in the database, so after a restart on the same
file every delivery is sent, under the id it was given when its event was written, and one 2xx
ends it (none is delivered twice)."""
from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from tests.support.api import Operator
from tests.support.outbox import added_secret, webhook_cli
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

PENDING = 50


@pytest.mark.timeout(120)
async def test_kill_9_with_50_deliveries_pending_delivers_all_50_after_the_restart(server_factory, receiver):
    srv = server_factory("--retry-base", "0.05", "--retry-cap", "1", "--delivery-poll", "0.05")
    _, secret = added_secret(await asyncio.to_thread(webhook_cli, srv, "add", receiver.url,
                                                     "--events", "message.created"))
    admin = await Operator.create(srv, "root@example.com", role="admin")
    receiver.fail_next = 10 ** 9                   # down: every attempt gets a 503
    visitor = await Visitor(srv).arrive()
    await visitor.start_chat("message 1")
    for i in range(2, PENDING + 1):
        await visitor.say(f"message {i}")

    async def pending() -> list[dict]:
        return (await admin.ok("GET", "/admin/deliveries?state=pending"))["deliveries"]
    before = await pending()
    assert len(before) == PENDING and not receiver.ok()
    await wait_for(lambda: len(receiver.received) >= PENDING, timeout=30, what="every delivery tried once")
    await asyncio.to_thread(srv.kill)
    receiver.fail_next = 0                         # the receiver is back while the server is dead
    await asyncio.to_thread(srv.start)

    ids = {d["id"] for d in before}
    await wait_for(lambda: {r.delivery for r in receiver.ok()} == ids, timeout=60,
                   what=f"all {PENDING} delivered after the restart")
    assert max(Counter(r.delivery for r in receiver.ok()).values()) == 1
    assert sorted(r.json["data"]["body"] for r in receiver.ok()) == sorted(f"message {i}" for i in range(1, PENDING + 1))
    assert await pending() == []
    delivered = (await admin.ok("GET", "/admin/deliveries?state=delivered"))["deliveries"]
    assert {d["id"] for d in delivered} == ids
    assert "Traceback" not in srv.log()
    await asyncio.gather(visitor.close(), admin.close())
