"""`chatdesk copy-db` refuses, with exit code 2 and one sentence, before it writes anything: a
wrong URL on either side, a missing or foreign source file, a source at another schema version or
with a table this chatdesk does not know, a target that is not empty or that a server is using.
And the plan is complete: every table of the schema is copied or skipped with a reason."""
from __future__ import annotations

import asyncio
import re
import sqlite3

import asyncpg
import pytest

from chatdesk.cli import main
from chatdesk.demo.local_server import free_port
from chatdesk.server.storage import schema
from chatdesk.server.storage.copy_plan import SKIPPED, copied_tables, known_sqlite_tables
from chatdesk.server.storage.version import LATEST
from tests.support import postgres
from tests.support.migration import migrate_file

needs_postgres = pytest.mark.skipif(not postgres.available(), reason="needs Debian's postgresql")


def copy(capsys, source, target) -> tuple[int, str]:
    code = main(["copy-db", "--from", str(source), "--to", str(target)])
    captured = capsys.readouterr()
    return code, captured.err.strip()


def edit(path, *statements: str) -> None:
    """Change the file, closing the connection after (an open one would make the copy refuse)."""
    db = sqlite3.connect(path)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


@pytest.fixture
def shop(tmp_path):
    path = tmp_path / "shop.db"
    migrate_file(path)
    return path


def test_every_table_is_copied_or_skipped_with_a_reason(shop):
    names = {t.name for t in copied_tables()}
    assert names | set(SKIPPED) == set(schema.metadata.tables) and not names & set(SKIPPED)
    assert all(reason for reason in SKIPPED.values())
    order = [t.name for t in copied_tables()]
    for table in copied_tables():                       # parents first
        for fk in table.foreign_keys:
            if fk.column.table.name in names:
                assert order.index(fk.column.table.name) < order.index(table.name), (table.name, fk)
    db = sqlite3.connect(shop)
    on_file = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.close()
    assert {n for n in on_file if not n.startswith("sqlite_")} == known_sqlite_tables()


def test_wrong_urls_are_refused(capsys, shop):
    code, said = copy(capsys, shop, "mysql://db/shop")
    assert code == 2 and "mysql://" in said and "postgresql://" in said
    code, said = copy(capsys, shop, shop.with_name("other.db"))
    assert code == 2 and "--to" in said and not shop.with_name("other.db").exists()
    code, said = copy(capsys, "postgresql://a@127.0.0.1/x", "postgresql://a@127.0.0.1/y")
    assert code == 2 and "--from" in said
    code, said = copy(capsys, shop, f"postgresql://nobody:secret-pw@127.0.0.1:{free_port()}/shop")
    assert code == 2 and said.startswith("chatdesk copy-db: Could not connect to postgresql://nobody:***@")
    assert "secret-pw" not in said


def test_a_missing_foreign_or_other_version_source_is_refused(capsys, tmp_path, shop):
    target = "postgresql://nobody@127.0.0.1:1/never-reached"    # the source is checked first
    missing = tmp_path / "missing.db"
    code, said = copy(capsys, missing, target)
    assert code == 2 and "There is no SQLite database" in said and not missing.exists()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    code, said = copy(capsys, junk, target)
    assert code == 2 and "is not an SQLite database" in said
    edit(shop, f"UPDATE schema_version SET version = {LATEST - 1}")
    code, said = copy(capsys, shop, target)
    assert code == 2 and f"schema version {LATEST - 1}, older" in said and "chatdesk server --db" in said
    edit(shop, f"UPDATE schema_version SET version = {LATEST}",
         "CREATE TABLE loyalty_points (visitor_id TEXT, points INTEGER)")
    code, said = copy(capsys, shop, target)
    assert code == 2 and "loyalty_points" in said
    edit(shop, "DROP TABLE loyalty_points", "ALTER TABLE orders ADD COLUMN coupon TEXT")
    code, said = copy(capsys, shop, target)
    assert code == 2 and "orders" in said and "coupon" in said


def test_a_source_open_elsewhere_is_refused(capsys, shop):
    """Any open connection to the WAL file counts (here one in this process, as a server's is)."""
    holder = sqlite3.connect(shop)
    holder.execute("SELECT count(*) FROM operators").fetchone()
    try:
        code, said = copy(capsys, shop, "postgresql://nobody@127.0.0.1:1/never-reached")
    finally:
        holder.close()
    assert code == 2 and "open in another process" in said


@needs_postgres
def test_a_target_that_is_used_or_not_empty_is_refused_and_left_alone(capsys, shop):
    cluster = postgres.cluster()
    url = cluster.fresh_database()
    cluster.sql("INSERT INTO operators (email, name, role, password_hash, status, max_chats, departments, "
                "novice, approval_required, last_assigned_at, created_at) VALUES "
                "('x@example.com', 'X', 'admin', 'h', 'offline', 4, '[]', false, false, 0, 0)", url.rsplit("/", 1)[1])
    code, said = copy(capsys, shop, url)
    assert code == 2 and "is not empty (operators holds 1 rows)" in said

    foreign = cluster.empty_database()
    cluster.sql("CREATE TABLE invoices (id int)", foreign.rsplit("/", 1)[1])
    code, said = copy(capsys, shop, foreign)
    assert code == 2 and "not chatdesk's (invoices)" in said

    used = cluster.fresh_database()

    async def copy_while_a_server_is_connected() -> tuple[int, str]:
        server = await asyncpg.connect(used, server_settings={"application_name": "chatdesk"})
        try:
            return await asyncio.to_thread(copy, capsys, shop, used)
        finally:
            await server.close()
    code, said = asyncio.run(copy_while_a_server_is_connected())
    assert code == 2 and "A chatdesk server is connected" in said
    assert cluster.sql("SELECT count(*) FROM canned_replies", used.rsplit("/", 1)[1]).strip() == "4"


@needs_postgres
def test_an_empty_database_is_migrated_and_filled(capsys, shop):
    url = postgres.cluster().empty_database()
    assert main(["copy-db", "--from", str(shop), "--to", url]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^  canned_replies +4$", out, re.MULTILINE) and "newest event 0" in out
    version = postgres.cluster().sql("SELECT version FROM schema_version", url.rsplit("/", 1)[1])
    assert version.strip() == str(LATEST)


@needs_postgres
def test_a_copy_that_fails_midway_leaves_the_target_as_it_was(capsys, shop):
    """One transaction: a row Postgres will not take (SQLite kept text in an integer column) fails
    the copy after earlier tables went in, and none of them stays."""
    edit(shop, "INSERT INTO operators (email, name, role, password_hash, status, max_chats, departments, novice, "
               "approval_required, last_assigned_at, created_at) "
               "VALUES ('x@example.com', 'X', 'admin', 'h', 'offline', 'lots', '[]', 0, 0, 0, 0)")
    url = postgres.cluster().fresh_database()
    code, said = copy(capsys, shop, url)
    assert code == 1 and "copying operators" in said and "nothing was written" in said
    database = url.rsplit("/", 1)[1]
    assert postgres.cluster().sql("SELECT count(*) FROM operators", database).strip() == "0"
    assert postgres.cluster().sql("SELECT count(*) FROM departments", database).strip() == "3"  # the seeds, kept
    assert postgres.cluster().sql("SELECT count(*) FROM canned_replies", database).strip() == "4"
