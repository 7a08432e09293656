"""Which engine a `--db` value names (storage/target.py, the one place that decides), and what the
commands say when it names none; and the escape that lets Postgres text hold NUL
(storage/nul_escape.py)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatdesk.server.storage.nul_escape import MARK, from_stored, to_stored
from chatdesk.server.storage.target import (
    UnknownDatabase,
    database_target,
    is_postgres,
    libpq_url,
    shown,
    sqlalchemy_url,
)


@pytest.mark.parametrize(("value", "target"), [
    ("chatdesk.db", Path("chatdesk.db")),
    ("/var/lib/chatdesk/chat.db", Path("/var/lib/chatdesk/chat.db")),
    ("sqlite:///chat.db", Path("chat.db")),
    ("sqlite:////var/lib/chat.db", Path("/var/lib/chat.db")),
    ("postgresql://chatdesk@127.0.0.1:5432/chatdesk", "postgresql://chatdesk@127.0.0.1:5432/chatdesk"),
    ("postgres://chatdesk@/chatdesk?host=/run/postgresql", "postgres://chatdesk@/chatdesk?host=/run/postgresql"),
    ("postgresql+asyncpg://u@h/d", "postgresql+asyncpg://u@h/d"),
])
def test_a_path_is_sqlite_and_a_postgres_url_is_postgres(value, target):
    assert database_target(value) == target
    assert is_postgres(database_target(value)) == isinstance(target, str)


@pytest.mark.parametrize("value", ["mysql://u@h/d", "redis://localhost", "postgresql://u@h:port/d",
                                   "postgresql://u@h:/d"])
def test_a_url_of_no_engine_or_a_broken_one_is_refused_with_a_sentence(value):
    with pytest.raises(UnknownDatabase) as refused:
        database_target(value)
    assert str(refused.value).startswith("--db ") and str(refused.value).endswith(".")


def test_a_password_never_shows_and_tls_is_named_for_each_driver():
    assert shown("postgresql://chatdesk:s3cret@db/chatdesk") == "postgresql://chatdesk:***@db/chatdesk"
    assert shown(Path("chat.db")) == "chat.db"
    url = "postgresql://u@db/chatdesk?sslmode=require&application_name=x"
    assert sqlalchemy_url(url) == "postgresql+asyncpg://u@db/chatdesk?ssl=require&application_name=x"
    assert libpq_url("postgresql+asyncpg://u@db/chatdesk?ssl=require") == "postgresql://u@db/chatdesk?sslmode=require"
    assert libpq_url("postgres://u@/c?host=/run/postgresql") == "postgresql://u@/c?host=/run/postgresql"


@pytest.mark.parametrize("command", [["server"], ["user", "add", "a@example.com", "--name", "A", "--password-stdin"]])
def test_the_commands_refuse_a_database_they_cannot_use(command):
    done = subprocess.run([sys.executable, "-m", "chatdesk", *command, "--db", "mysql://u@h/d"],
                          input="long-enough-password\n", capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "mysql://… is not a database chatdesk can use" in done.stderr
    assert "Traceback" not in done.stderr


@given(st.text())
def test_postgres_text_escape_gives_back_any_text_and_stores_no_nul(value):
    stored = to_stored(value)
    assert "\x00" not in stored
    assert from_stored(stored) == value
    if "\x00" not in value and MARK not in value:
        assert stored == value          # real text is stored as written


def test_postgres_text_escape_on_the_awkward_cases():
    for value in ["\x00", MARK, MARK + "0", "\x00" + MARK + "1\x00", "a\x00b", MARK * 3 + "0"]:
        assert from_stored(to_stored(value)) == value
