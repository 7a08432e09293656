"""Fixtures every test package shares. One name per meaning across the suite:

- `server`: a fresh real server with its own database (an SQLite file; with `--db-engine=postgres`
  a fresh Postgres database, tests/support/postgres.py), for one test;
- `server_factory`: fresh servers with extra arguments, for one test;
- `shared_server`: one real server per test package (each package's conftest makes its own),
  for tests that need nothing special and leave nothing behind;
- `mailbox`: a real SMTP server on loopback (aiosmtpd) that keeps what it receives.

Helpers live in tests/support/, never in a conftest."""
from __future__ import annotations

import os

import pytest

from tests.support import postgres
from tests.support.live_server import LiveServer
from tests.support.mail_receiver import MailReceiver


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", help="also run the long chaos and soak tests")
    parser.addoption("--db-engine", choices=("sqlite", "postgres"), default=None,
                     help="the servers' storage engine (default: $CHATDESK_TEST_DB, else sqlite); postgres "
                          "starts a throwaway cluster per worker (tests/support/postgres.py)")


def pytest_configure(config):
    engine = config.getoption("--db-engine")
    if engine:                 # xdist workers run this too, so every process agrees
        os.environ[postgres.ENV] = engine
    config.addinivalue_line("markers", "sqlite_only(reason): skipped when the suite runs on Postgres")
    config.addinivalue_line("markers", "postgres_only: runs only when the suite runs on Postgres")


def pytest_collection_modifyitems(config, items):
    for item in items:
        only = item.get_closest_marker("sqlite_only")
        if only is not None and postgres.on_postgres():
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {only.args[0] if only.args else only.kwargs.get('reason', '')}"))
        if item.get_closest_marker("postgres_only") is not None and not postgres.on_postgres():
            item.add_marker(pytest.mark.skip(reason="Postgres only: run with --db-engine=postgres"))
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="long run: pass --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def postgres_cluster():
    """On Postgres, this worker's cluster, stopped at the end of the session."""
    if not postgres.on_postgres():
        yield None
        return
    yield postgres.cluster()
    postgres.stop_cluster()


@pytest.fixture
def server(tmp_path):
    """A fresh real server with its own SQLite file, stopped after the test."""
    srv = LiveServer(tmp_path / "chat.db").start()
    yield srv
    srv.stop()


@pytest.fixture
def server_factory(tmp_path):
    """Start servers with extra arguments (e.g. --auto-assign); all are stopped after the test."""
    started: list[LiveServer] = []

    def make(*extra_args: str, name: str = "chat", env: dict[str, str] | None = None) -> LiveServer:
        srv = LiveServer(tmp_path / f"{name}.db", extra_args=list(extra_args), env=env or {}).start()
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()


@pytest.fixture
def mailbox():
    """A real SMTP server on loopback; `mailbox.server_args()` points a server at it."""
    box = MailReceiver().start()
    yield box
    box.stop()


@pytest.fixture
def postgres_url():
    """A fresh Postgres database of this worker's throwaway cluster, whatever --db-engine says
    (for tests that need Postgres itself: LISTEN/NOTIFY, the multi-process chaos run)."""
    if not postgres.available():
        pytest.skip("needs Debian's postgresql")
    return postgres.fresh_database()
