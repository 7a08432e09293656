from __future__ import annotations

import pytest

from tests.support.accounts import make_accounts
from tests.support.live_server import LiveServer


@pytest.fixture(scope="session")
def shared_server(tmp_path_factory):
    """One real server for the desk tests that need no special flags (starting one costs seconds).
    Tests use their own operators and must leave nothing waiting in the queue."""
    srv = LiveServer(tmp_path_factory.mktemp("desk-shared") / "chat.db").start()
    yield srv
    srv.stop()


# Operators on the shared server, made up front in parallel (each goes through the real
# `chatdesk user add` command, which costs over a second): key -> (name, max_chats). Tests reuse
# them where their chats cannot get in each other's way.
SHARED_OPERATORS = {
    "ann": ("Ann Op",), "bo": ("Bo Op",), "cy": ("Cy Op",), "dan": ("Dan Op",),
    "eve": ("Eve Colleague",), "hal": ("Hal Novice", "operator", 1), "jo": ("Jo Op",),
}


@pytest.fixture(scope="session")
def operators(shared_server):
    """Tokens of the shared server's operators, by key."""
    return make_accounts(shared_server, "desk.test", SHARED_OPERATORS)
