"""Schema 6 on a database a schema-5 server wrote: the server's transcript link key appears (and
stays the same on every later run, so links already sent keep working), the outbox's per-target
index appears, and a delivery still pending for a webhook removed earlier becomes a dead letter
(the worker looks per existing target now, so it would never send or bury it)."""
from __future__ import annotations

import sqlite3

from chatdesk.server.storage.migrations import LATEST
from tests.support.migration import migrate_file

ORPHAN = ("INSERT INTO deliveries (id, channel, webhook_id, recipient, event, payload, state, attempts, "
          "next_at, created_at, give_up_at, last_error) VALUES ('{id}', 'webhook', {hook}, '', 'message.created', "
          "'{{}}', 'pending', 1, 0, 0, 9e9, 'The receiver answered 503.')")


def test_a_schema_5_database_gets_the_link_key_the_index_and_no_orphans(tmp_path):
    path = tmp_path / "old.db"
    assert migrate_file(path) == 0
    db = sqlite3.connect(path)
    db.executescript("DROP TABLE server_keys; DROP INDEX ix_deliveries_target_due; UPDATE schema_version SET version = 5;"
                     "INSERT INTO webhooks (id, url, events, secret, created_at) VALUES (1, 'http://x.test/', '[]', 's', 0);"
                     + ORPHAN.format(id="kept", hook=1) + ";" + ORPHAN.format(id="orphan", hook=2) + ";")
    db.commit()
    assert migrate_file(path) == 5
    assert db.execute("SELECT version FROM schema_version").fetchone() == (LATEST,)
    [(key,)] = db.execute("SELECT secret FROM server_keys WHERE name = 'transcript_links'").fetchall()
    assert len(key) == 64
    indexes = {r[1] for r in db.execute("PRAGMA index_list(deliveries)")}
    assert "ix_deliveries_target_due" in indexes
    states = dict(db.execute("SELECT id, state || ': ' || last_error FROM deliveries").fetchall())
    assert states == {"kept": "pending: The receiver answered 503.",
                      "orphan": "dead: The webhook subscription was removed."}
    db.execute("UPDATE schema_version SET version = 5")       # run it again: nothing changes
    db.commit()
    assert migrate_file(path) == 5
    assert db.execute("SELECT secret FROM server_keys").fetchall() == [(key,)]
    db.close()
