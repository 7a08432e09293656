"""Schema 9 on a database a schema-8 server wrote: visitor_presence gets seen_at (a member's
report of a visitor's last activity); the rows already there keep their meaning (a stream's row
is on the site, a closed row is closed). Running it again changes nothing."""
from __future__ import annotations

import sqlite3

from chatdesk.server.storage.migrations import LATEST
from tests.support.migration import migrate_file


def test_a_schema_8_database_gets_seen_at_on_the_presence_rows(tmp_path):
    path = tmp_path / "old.db"
    assert migrate_file(path) == 0
    db = sqlite3.connect(path)
    db.executescript("""
        ALTER TABLE visitor_presence DROP COLUMN seen_at; UPDATE schema_version SET version = 8;
        INSERT INTO visitor_presence (member_id, visitor_id, seq, present, changed_at) VALUES ('m1', 'v1', 1, 1, 5);
    """)
    db.commit()
    assert migrate_file(path) == 8
    assert db.execute("SELECT version FROM schema_version").fetchone() == (LATEST,)
    assert db.execute("SELECT visitor_id, present, seen_at FROM visitor_presence").fetchall() == [("v1", 1, None)]
    db.execute("UPDATE schema_version SET version = 8")       # run it again: nothing changes
    db.commit()
    assert migrate_file(path) == 8
    db.close()
