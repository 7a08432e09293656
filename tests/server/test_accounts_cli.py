"""`chatdesk user add` through the real command: creates the database (an SQLite file, or with
`--db-engine=postgres` an empty Postgres database), refuses bad input clearly."""
from __future__ import annotations

import subprocess
import sys

from tests.support import postgres
from tests.support.database import rows


def _add(db, email: str, password: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chatdesk", "user", "add", email, "--db", str(db),
                           "--name", "Ana", "--password-stdin", *extra],
                          input=password + "\n", text=True, capture_output=True)


def test_user_add_creates_the_database_and_updates_an_existing_account(tmp_path):
    db = postgres.cluster().empty_database() if postgres.on_postgres() else tmp_path / "new.db"
    first = _add(db, "Ana@Example.com", "long-enough-1", "--role", "trainer", "--department", "vip")
    assert first.returncode == 0 and "Added ana@example.com" in first.stdout
    again = _add(db, "ana@example.com", "long-enough-2", "--max-chats", "2")
    assert again.returncode == 0 and "Updated" in again.stdout
    assert rows(db, "SELECT email, role, max_chats FROM operators") == [("ana@example.com", "operator", 2)]
    assert ("vip",) in rows(db, "SELECT name FROM departments")
    short = _add(db, "bob@example.com", "short")
    assert short.returncode == 2 and "at least 8 characters" in short.stderr
    bad = _add(db, "not-an-email", "long-enough-1")
    assert bad.returncode == 2 and "not an e-mail address" in bad.stderr
