"""What the server acknowledged survives a restart and a kill -9."""
from __future__ import annotations

import asyncio
import sqlite3

import pytest

from chatdesk.server.storage.migrations import LATEST
from tests.support.api import Operator
from tests.support.stream import Stream
from tests.support.visitor import Visitor


async def test_restart_and_kill_keep_everything_acknowledged(server):
    ana = await Operator.create(server, "ana@example.com")
    v = await Visitor(server).arrive()
    cid = await v.start_chat("before restart")
    await ana.accept(cid)
    acked = [await ana.say(cid, f"acked {i}") for i in range(5)]
    await ana.ok("POST", f"/visitors/{v.id}/notes", {"body": "Prefers e-mail"})
    desk = await Stream.open(server, token=ana.token)
    last = desk.resume_answer["event_id"]

    await asyncio.to_thread(server.restart)
    detail = (await ana.detail(cid)).json()            # the same token still works
    assert [m["id"] for m in detail["messages"][1:]] == [m["id"] for m in acked]
    assert detail["conversation"]["state"] == "active"

    more = [await v.say(f"v {i}") for i in range(5)]
    await asyncio.to_thread(server.kill)               # kill -9: no shutdown handler runs
    await asyncio.to_thread(server.start)
    detail = (await ana.detail(cid)).json()
    assert [m["body"] for m in detail["messages"]] == \
        ["before restart"] + [f"acked {i}" for i in range(5)] + [f"v {i}" for i in range(5)]
    assert (await ana.ok("GET", f"/visitors/{v.id}"))["notes"][0]["body"] == "Prefers e-mail"
    # The event log survived too: resuming from before the restarts replays the rest, once.
    again = await Stream.open(server, token=ana.token, after=last)
    assert [f["data"]["body"] for f in again.events() if f["type"] == "message.created"] == \
        [m["body"] for m in more]
    # Idempotency survives as well: resending an acknowledged client_msg_id gives the same message.
    assert await v.say("v 0", client_msg_id=more[0]["client_msg_id"]) == more[0]


@pytest.mark.sqlite_only("reads the SQLite file with sqlite3; test_postgres_engine.py checks the same on Postgres")
async def test_database_is_versioned_and_in_wal_mode(server):
    with sqlite3.connect(server.db_path) as db:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(LATEST,)]
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        hashes = [h for (h,) in db.execute("SELECT token_hash FROM operator_tokens")]
    assert hashes == []
    await Operator.create(server, "ana@example.com")
    with sqlite3.connect(server.db_path) as db:
        (stored,), = db.execute("SELECT password_hash FROM operators").fetchall()
        (token_hash,), = db.execute("SELECT token_hash FROM operator_tokens").fetchall()
    assert stored.startswith("scrypt$") and "secret-pass-1" not in stored
    assert len(token_hash) == 64
