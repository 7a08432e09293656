"""Schema versioning: a `schema_version` table and an ordered list of migrations, applied on start
(and by `chatdesk user add`). Never edit a released migration; append a new one.

One list for both engines (docs/architecture.md, "Migrations on both engines"): the schema is
SQLAlchemy Core, so create_all and inspect-guarded ALTERs are portable; the few engine-specific
objects (FTS5 on SQLite; the text-search index and the event counter on Postgres) are a branch on
`conn.dialect.name` inside the migration that introduced them. Postgres databases start at this
release, so their branches were never released in another form. A migration runs inside the
caller's write transaction, which on Postgres holds the write lock: two processes starting at once
migrate one after the other, and the second finds the work done."""
from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from sqlalchemy import Connection, insert, inspect, select, text, update

from . import postgres_objects, schema
from .version import LATEST as DECLARED


def _m1_initial(conn: Connection) -> None:
    # The first release's schema is exactly schema.py as of version 1. Later changes must be new
    # migrations (ALTER TABLE ...) with schema.py updated to match.
    schema.metadata.create_all(conn)
    if conn.dialect.name == "postgresql":
        postgres_objects.create_event_counter(conn)
    conn.execute(insert(schema.departments), [{"name": d} for d in ("sales", "support", "billing")])
    now = time.time()
    conn.execute(insert(schema.canned_replies), [
        {"shortcut": "hi", "title": "Greeting", "body": "Hi {visitor.name}, I'm {operator.name}. How can I help?",
         "tags": ["greeting"], "owner_id": None, "created_at": now},
        {"shortcut": "moment", "title": "One moment", "body": "Let me check that for you, one moment please.",
         "tags": [], "owner_id": None, "created_at": now},
        {"shortcut": "page", "title": "About this page", "body": "I see you are looking at {page.title}.",
         "tags": [], "owner_id": None, "created_at": now},
        {"shortcut": "bye", "title": "Goodbye", "body": "Thanks for chatting, {visitor.name}. Have a good day!",
         "tags": ["closing"], "owner_id": None, "created_at": now},
    ])


def _m2_supervision(conn: Connection) -> None:
    """Ratings on conversations; watchers/joined staff, approvals, reviews; full-text search over
    message bodies (FTS5, kept in step by triggers). Idempotent: a database created by _m1 from a
    newer schema.py already has the new columns and tables."""
    have = {c["name"] for c in inspect(conn).get_columns("conversations")}
    for name, ddl in (("rating", "INTEGER"), ("rating_comment", "TEXT NOT NULL DEFAULT ''"),
                      ("rated_at", "FLOAT")):
        if name not in have:
            conn.execute(text(f"ALTER TABLE conversations ADD COLUMN {name} {ddl}"))
    schema.metadata.create_all(conn, tables=[schema.conversation_staff, schema.approvals, schema.reviews])
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_conversations_closed ON conversations (state, closed_at)"))
    if conn.dialect.name == "postgresql":
        postgres_objects.create_text_search(conn)
        return
    conn.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5("
                      "body, content='messages', content_rowid='id')"))
    conn.execute(text("CREATE TRIGGER IF NOT EXISTS messages_fts_insert AFTER INSERT ON messages BEGIN "
                      "INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body); END"))
    conn.execute(text("CREATE TRIGGER IF NOT EXISTS messages_fts_delete AFTER DELETE ON messages BEGIN "
                      "INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body); END"))
    conn.execute(text("INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')"))


def _m3_work_items(conn: Connection) -> None:
    """Callbacks and offline messages as work items (services/work_items.py). Idempotent: a
    database created by _m1 from a newer schema.py already has the table."""
    schema.metadata.create_all(conn, tables=[schema.work_items])


def _m4_outbox(conn: Connection) -> None:
    """The durable outbox: webhook subscriptions, deliveries (webhook and mail) and their attempts.
    Idempotent (create_all skips tables that exist), so its place in the list does not matter."""
    schema.metadata.create_all(conn, tables=[schema.webhooks, schema.deliveries, schema.delivery_attempts])


def _m5_openers(conn: Connection) -> None:
    """Visitors on the site (visitor_browsing), opener rules, invitations and orders (issue 12).
    Idempotent: a database created by _m1 from a newer schema.py already has them."""
    schema.metadata.create_all(conn, tables=[schema.visitor_browsing, schema.opener_rules,
                                             schema.invitations, schema.orders])


def _m6_server_keys(conn: Connection) -> None:
    """The server's own secrets, and the key that signs transcript links (made once: a key already
    there is kept, so links already sent stay valid); the outbox's per-target index, and the
    pending deliveries of webhooks removed before it dead-lettered (the worker now looks per
    existing target, so it would never see them). Idempotent."""
    schema.metadata.create_all(conn, tables=[schema.server_keys])
    keys, d = schema.server_keys, schema.deliveries
    if conn.execute(select(keys.c.name).where(keys.c.name == "transcript_links")).first() is None:
        conn.execute(insert(keys).values(name="transcript_links", secret=secrets.token_hex(32), created_at=time.time()))
    next(i for i in d.indexes if i.name == "ix_deliveries_target_due").create(conn, checkfirst=True)
    conn.execute(update(d).where(d.c.channel == "webhook", d.c.state == "pending",
                                 d.c.webhook_id.not_in(select(schema.webhooks.c.id)))
                 .values(state="dead", last_error=schema.REMOVED_WEBHOOK))



def _m7_cluster(conn: Connection) -> None:
    """Several server processes on one database: who is serving, the sweeper's lease and the shared
    rate-limit buckets (issue 14). Idempotent and portable: create_all skips tables that exist."""
    schema.metadata.create_all(conn, tables=[schema.cluster_members, schema.leases, schema.rate_buckets])


def _m8_shared_state(conn: Connection) -> None:
    """What several processes must agree on (issue 14): the address that opened each open chat
    (the per-address cap counts them in the database), and which visitors have a stream open on
    which process (visitor_presence, with each member's change numbers). Chats opened before this
    have no address and do not count. Idempotent: guarded by inspect, create_all skips tables."""
    whole = "BIGINT" if conn.dialect.name == "postgresql" else "INTEGER"
    found = inspect(conn)
    if "opened_from" not in {c["name"] for c in found.get_columns("conversations")}:
        conn.execute(text("ALTER TABLE conversations ADD COLUMN opened_from TEXT"))
    have = {c["name"] for c in found.get_columns("cluster_members")}
    for name in ("presence_seq", "presence_pruned"):
        if name not in have:
            conn.execute(text(f"ALTER TABLE cluster_members ADD COLUMN {name} {whole} NOT NULL DEFAULT 0"))
    next(i for i in schema.conversations.indexes if i.name == "ix_conversations_opened_from").create(
        conn, checkfirst=True)
    schema.metadata.create_all(conn, tables=[schema.visitor_presence])


def _m9_site_presence(conn: Connection) -> None:
    """The desks' Visitors list across processes (issue 14): each member's rows in visitor_presence
    also say when a visitor it counts as on the site was last active (seen_at), for visitors with
    no stream there too. Rows written before have none: a stream's row still counts as on the
    site, a closed row as closed. Idempotent: guarded by inspect."""
    real = "DOUBLE PRECISION" if conn.dialect.name == "postgresql" else "REAL"
    if "seen_at" not in {c["name"] for c in inspect(conn).get_columns("visitor_presence")}:
        conn.execute(text(f"ALTER TABLE visitor_presence ADD COLUMN seen_at {real}"))


MIGRATIONS: list[Callable[[Connection], None]] = [_m1_initial, _m2_supervision, _m3_work_items, _m4_outbox,
                                                   _m5_openers, _m6_server_keys, _m7_cluster,
                                                   _m8_shared_state, _m9_site_presence]
LATEST = len(MIGRATIONS)
assert LATEST == DECLARED, "update storage/version.py LATEST with the new migration"


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(select(schema.schema_version.c.version)).scalar() or 0


def migrate(conn: Connection) -> int:
    """Bring the database to LATEST inside the caller's transaction; returns the version found."""
    found = current_version(conn)
    if found > LATEST:
        raise RuntimeError(f"The database is at schema version {found}, newer than this chatdesk "
                           f"({LATEST}). Upgrade chatdesk.")
    for version in range(found + 1, LATEST + 1):
        MIGRATIONS[version - 1](conn)
        conn.execute(text("DELETE FROM schema_version"))
        conn.execute(insert(schema.schema_version).values(version=version))
    return found


async def migrate_async(db) -> int:  # db: Database
    async with db.write() as conn:
        return await conn.run_sync(migrate)
