"""Schema 8 on a database a schema-7 server wrote: conversations get the address they were opened
from (with its index; the chats already open have none and count for no address), cluster
members their presence change numbers, and visitor_presence appears. Running it again changes
nothing."""
from __future__ import annotations

import sqlite3

from chatdesk.server.storage.migrations import LATEST
from tests.support.migration import migrate_file


def test_a_schema_7_database_gets_the_opening_address_and_the_presence_table(tmp_path):
    path = tmp_path / "old.db"
    assert migrate_file(path) == 0
    db = sqlite3.connect(path)
    db.executescript("""
        DROP INDEX ix_conversations_opened_from; ALTER TABLE conversations DROP COLUMN opened_from;
        ALTER TABLE cluster_members DROP COLUMN presence_seq; ALTER TABLE cluster_members DROP COLUMN presence_pruned;
        DROP TABLE visitor_presence; UPDATE schema_version SET version = 7;
        INSERT INTO visitors (id, name, email, phone, first_seen, last_seen, visit_count, visit_started_at,
                              current_url, current_title, referrer) VALUES ('v1', 'Old', '', '', 1, 1, 1, 1, '', '', '');
        INSERT INTO conversations (id, visitor_id, state, tags, summary, rating_comment, queued_at, last_seq, auto_assigned,
                                   answered, skip_operators) VALUES (1, 'v1', 'queued', '[]', '', '', 1, 0, 0, 0, '[]');
        INSERT INTO cluster_members (member_id, pid, bus_host, bus_port, started_at, heartbeat_at)
            VALUES ('m1', 1, '127.0.0.1', 1, 1, 1);
    """)
    db.commit()
    assert migrate_file(path) == 7
    assert db.execute("SELECT version FROM schema_version").fetchone() == (LATEST,)
    assert db.execute("SELECT opened_from FROM conversations").fetchall() == [(None,)]
    assert db.execute("SELECT presence_seq, presence_pruned FROM cluster_members").fetchall() == [(0, 0)]
    assert "ix_conversations_opened_from" in {r[1] for r in db.execute("PRAGMA index_list(conversations)")}
    assert db.execute("SELECT count(*) FROM visitor_presence").fetchone() == (0,)
    db.execute("UPDATE schema_version SET version = 7")       # run it again: nothing changes
    db.commit()
    assert migrate_file(path) == 7
    db.close()
