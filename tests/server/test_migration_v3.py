"""Schema 3 on a database that a schema-2 server wrote: the work_items table appears, and the real
server takes a callback request on it."""
from __future__ import annotations

import sqlite3

import pytest

from chatdesk.server.storage.migrations import LATEST
from tests.support.live_server import LiveServer
from tests.support.migration import migrate_file
from tests.support.visitor import Visitor


@pytest.mark.sqlite_only("an SQLite file written by an older release; Postgres databases start at this release (test_postgres_engine.py migrates empty ones)")
async def test_a_schema_2_database_gets_work_items(tmp_path):
    path = tmp_path / "old.db"
    assert migrate_file(path) == 0
    db = sqlite3.connect(path)
    db.executescript("DROP TABLE work_items; UPDATE schema_version SET version = 2;")
    db.commit()
    assert migrate_file(path) == 2
    assert db.execute("SELECT version FROM schema_version").fetchone() == (LATEST,)
    assert {r[1] for r in db.execute("PRAGMA table_info(work_items)")} >= {"kind", "channel", "state", "due_at"}
    db.close()
    srv = LiveServer(path).start()
    try:
        visitor = await Visitor(srv).arrive()
        made = await visitor.call("POST", "/visitor/requests", {"kind": "callback", "channel": "phone", "phone": "1"})
        assert made["state"] == "open"
        await visitor.close()
    finally:
        srv.stop()
