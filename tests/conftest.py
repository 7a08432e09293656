"""Fixtures every test package shares. One name per meaning across the suite:

- `server`: a fresh real server with its own SQLite file, for one test;
- `server_factory`: fresh servers with extra arguments, for one test;
- `shared_server`: one real server per test package (each package's conftest makes its own),
  for tests that need nothing special and leave nothing behind;
- `mailbox`: a real SMTP server on loopback (aiosmtpd) that keeps what it receives.

Helpers live in tests/support/, never in a conftest."""
from __future__ import annotations

import pytest

from tests.support.live_server import LiveServer
from tests.support.mail_receiver import MailReceiver


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", help="also run the long chaos and soak tests")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="long run: pass --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


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
