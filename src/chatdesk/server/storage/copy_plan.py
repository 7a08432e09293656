"""What `chatdesk copy-db` moves from SQLite to Postgres: every table of schema.py's metadata, in
an order that satisfies the foreign keys, except the ones listed here with the reason. A new table
in schema.py is copied without an edit here; one that must not be gets a line in SKIPPED.

Objects one engine derives from the tables are never copied as such: SQLite's FTS5 index over
message bodies (SQLITE_DERIVED) and Postgres' text-search index and event counter, which the copy
rebuilds from the copied rows (storage/copy_target.py)."""
from __future__ import annotations

from sqlalchemy import Table

from . import schema

# Tables whose rows do not move, and why (docs/deploy.md, "Moving from SQLite").
SKIPPED: dict[str, str] = {
    "schema_version": "the target's own migrations write it; the copy requires both at the same version",
    "cluster_members": "processes serving now: none serve the target yet, and each writes its row on start",
    "visitor_presence": "which process holds which visitor's stream now: rows of processes that are gone",
    "leases": "the sweeper's lease: held by a running process, taken afresh by the first one on the target",
    "rate_buckets": "the shared rate limits' token buckets: they refill within a minute",
}

# SQLite-only tables the migrations make: the FTS5 index over messages.body and its shadow tables
# (content='messages', so no _content table).
SQLITE_DERIVED = frozenset({"messages_fts", "messages_fts_data", "messages_fts_idx",
                            "messages_fts_docsize", "messages_fts_config"})

ROWS_PER_BATCH = 2000


def copied_tables() -> list[Table]:
    """The tables whose rows are copied, parents before the tables that refer to them."""
    return [t for t in schema.metadata.sorted_tables if t.name not in SKIPPED]


def known_sqlite_tables() -> frozenset[str]:
    """Every table a migrated SQLite database of this chatdesk may hold (besides sqlite_*)."""
    return frozenset(schema.metadata.tables) | SQLITE_DERIVED
