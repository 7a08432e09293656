"""Postgres LISTEN/NOTIFY as the wake-up (--cluster-wake notify): another process's event reaches
a desk long before the poll would look (it is set to a minute), and after the listener
connections are killed in the database they reconnect and catch up from the table: nothing is
missed."""
from __future__ import annotations

import pytest

from tests.support.api import Operator
from tests.support.cluster import Cluster
from tests.support.database import rows
from tests.support.stream import live_stream
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

KILL_LISTENERS = ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                  "AND pid <> pg_backend_pid() AND (query LIKE '%chatdesk_events%' OR query LIKE '%pg_notify%')")


@pytest.mark.timeout(180)
async def test_notify_wakes_the_other_process_and_a_dropped_listener_catches_up(tmp_path, postgres_url):
    cl = Cluster(tmp_path / "chat.db", 2, extra_args=["--cluster-wake", "notify", "--cluster-poll", "60"],
                 db_url=postgres_url).start()
    try:
        ana = await Operator.create(cl[0], "ana@example.com")
        desk = await live_stream(cl[0], ana.token)
        maria = await Visitor(cl[1]).arrive()
        cid = await maria.start_chat("written through the other process")
        await desk.next(lambda f: f["type"] == "conversation.queued" and f["conversation_id"] == cid, timeout=20)
        await wait_for(lambda: len(rows(cl.database, KILL_LISTENERS.replace("pg_terminate_backend(pid)", "pid"))) >= 2,
                       "both processes listening", timeout=20)
        killed = rows(cl.database, KILL_LISTENERS)
        assert len(killed) >= 2
        await maria.say("after the listeners were killed")
        frame = await desk.next(lambda f: f["type"] == "message.created" and f["conversation_id"] == cid
                                and f["data"]["body"] == "after the listeners were killed", timeout=20)
        assert frame["event_id"] > 0
        ids = [f["event_id"] for f in desk.events()]
        assert ids == sorted(set(ids))
        for srv in cl.servers:
            assert "reconnecting" in srv.log()
        await desk.close()
        await maria.close()
        await ana.close()
    finally:
        cl.stop()
