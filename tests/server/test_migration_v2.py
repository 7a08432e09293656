"""Schema 2 on a database that a schema-1 server wrote: the new columns and tables appear, the
full-text index covers the old messages, and the real server starts on it."""
from __future__ import annotations

import sqlite3

import httpx
import pytest

from chatdesk.server.storage.migrations import LATEST
from tests.support.live_server import LiveServer
from tests.support.migration import migrate_file


def _as_schema_1(path) -> None:
    """Take away what schema 2 added, as a database from before it looks."""
    db = sqlite3.connect(path)
    db.executescript("""
        DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_delete; DROP TABLE messages_fts;
        DROP TABLE conversation_staff; DROP TABLE approvals; DROP TABLE reviews;
        DROP INDEX ix_conversations_closed;
        ALTER TABLE conversations DROP COLUMN rating; ALTER TABLE conversations DROP COLUMN rating_comment;
        ALTER TABLE conversations DROP COLUMN rated_at;
        UPDATE schema_version SET version = 1;
        INSERT INTO visitors (id, name, email, phone, first_seen, last_seen, visit_count, visit_started_at,
                              current_url, current_title, referrer) VALUES ('v1', 'Old', '', '', 1, 1, 1, 1, '', '', '');
        INSERT INTO conversations (id, visitor_id, state, tags, summary, queued_at, closed_at, last_seq,
                                   auto_assigned, answered, skip_operators)
            VALUES (1, 'v1', 'closed', '[]', '', 1, 2, 1, 0, 0, '[]');
        INSERT INTO messages (conversation_id, seq, author_key, author_type, author_name, kind, body, ts)
            VALUES (1, 1, 'v:v1', 'visitor', 'Old', 'text', 'an archaeopteryx question', 1);
    """)
    db.commit()
    db.close()


@pytest.mark.sqlite_only("an SQLite file written by an older release; Postgres databases start at this release (test_postgres_engine.py migrates empty ones)")
async def test_a_schema_1_database_is_migrated_and_searchable(tmp_path):
    path = tmp_path / "old.db"
    assert migrate_file(path) == 0
    _as_schema_1(path)
    assert migrate_file(path) == 1
    db = sqlite3.connect(path)
    assert db.execute("SELECT version FROM schema_version").fetchone() == (LATEST,)
    cols = {r[1] for r in db.execute("PRAGMA table_info(conversations)")}
    assert {"rating", "rating_comment", "rated_at"} <= cols
    hits = db.execute("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'archaeo*'").fetchall()
    assert len(hits) == 1
    db.close()
    assert migrate_file(path) == LATEST                      # running again changes nothing
    srv = LiveServer(path).start()
    try:
        srv.add_user("lead@example.com", "Lead", role="supervisor")
        token = srv.login("lead@example.com")
        r = httpx.get(f"{srv.url}/api/v1/transcripts", params={"q": "archaeopteryx"},
                      headers={"Authorization": f"Bearer {token}"})
        assert [t["conversation"]["id"] for t in r.json()["transcripts"]] == [1]
    finally:
        srv.stop()
