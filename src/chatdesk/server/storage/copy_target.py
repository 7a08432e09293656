"""The Postgres side of `chatdesk copy-db`, all inside the copy's one transaction (which holds
the servers' write lock, so a server starting meanwhile waits for the commit and finds the work
done): the target made ready (migrated when new; refused unless empty and unserved), and after
the rows are in, what Postgres derives from them brought up to date: each table's id sequence
past the copied ids, the event counter at the newest copied event, the text-search index
rebuilt."""
from __future__ import annotations

from sqlalchemy import Connection, create_engine, inspect, text

from . import copy_plan, postgres_objects
from .copy_source import CopyRefused
from .db import install_sqlite_hooks
from .migrations import current_version, migrate
from .postgres import TAKE_WRITE_LOCK
from .version import LATEST

SERVER_APPLICATION = "chatdesk"        # the application_name every server connection sets (postgres.py)

OTHER_SERVERS = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     "AND pid <> pg_backend_pid() AND application_name = :name")


def prepare(conn: Connection, shown: str) -> None:
    """Take the write lock, migrate a new database, refuse one in use or not empty, and remove
    what the migrations seeded (default departments, canned replies, the transcript-link key):
    the source's own rows of those tables replace them."""
    conn.execute(TAKE_WRITE_LOCK)
    if conn.execute(OTHER_SERVERS, {"name": SERVER_APPLICATION}).scalar_one():
        raise CopyRefused(f"A chatdesk server is connected to {shown}: stop it, then copy.")
    names = set(inspect(conn).get_table_names())
    if names and "schema_version" not in names:
        raise CopyRefused(f"{shown} holds tables that are not chatdesk's ({', '.join(sorted(names)[:5])}): "
                          "copy into a new, empty database.")
    if names and current_version(conn) > LATEST:
        raise CopyRefused(f"{shown} is at schema version {current_version(conn)}, newer than this chatdesk "
                          f"({LATEST}): use that newer chatdesk.")
    migrate(conn)
    _refuse_unless_empty(conn, shown)
    for table in reversed(copy_plan.copied_tables()):
        conn.execute(table.delete())


def _refuse_unless_empty(conn: Connection, shown: str) -> None:
    """Empty: no table holds more rows than a freshly migrated database, and no event was ever
    logged. (Every change to a seeded row needs an operator account, which would be a row more.)"""
    fresh = fresh_counts()
    for name, rows in target_counts(conn).items():
        if rows > fresh[name]:
            raise CopyRefused(f"{shown} is not empty ({name} holds {rows} rows): copy into a new, "
                              "empty database.")
    logged = conn.execute(text("SELECT value FROM event_counter WHERE id = 1")).scalar() or 0
    if logged:
        raise CopyRefused(f"{shown} is not empty (it has logged {logged} events): copy into a new, "
                          "empty database.")


def fresh_counts() -> dict[str, int]:
    """Rows per copied table in a database the migrations just made (an SQLite one in memory:
    both engines' migrations seed the same rows)."""
    engine = create_engine("sqlite://")
    install_sqlite_hooks(engine, "BEGIN")
    try:
        with engine.begin() as conn:
            migrate(conn)
            return target_counts(conn)
    finally:
        engine.dispose()


def target_counts(conn: Connection) -> dict[str, int]:
    quote = conn.dialect.identifier_preparer.quote
    return {t.name: conn.execute(text(f"SELECT count(*) FROM {quote(t.name)}")).scalar_one()
            for t in copy_plan.copied_tables()}


def before_rows(conn: Connection) -> None:
    postgres_objects.drop_text_search(conn)


def after_rows(conn: Connection) -> None:
    """What Postgres derives from the rows: without the sequences the first insert would collide
    with a copied id; without the counter the next event would reuse id 1, and desks resuming
    after the newest id they saw would miss it."""
    quote = conn.dialect.identifier_preparer.quote
    for table in copy_plan.copied_tables():
        for column in table.primary_key.columns:
            sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                    {"t": quote(table.name), "c": column.name}).scalar()
            if sequence is not None:
                conn.execute(text(f"SELECT setval(:s, COALESCE((SELECT MAX({quote(column.name)}) "
                                  f"FROM {quote(table.name)}), 0) + 1, false)"), {"s": sequence})
    conn.execute(text("UPDATE event_counter SET value = (SELECT COALESCE(MAX(event_id), 0) FROM events) "
                      "WHERE id = 1"))
    postgres_objects.create_text_search(conn)
