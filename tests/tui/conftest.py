from __future__ import annotations

import pytest

from support.live_server import LiveServer


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
    "ann": ("Ann Op", 4), "bo": ("Bo Op", 4), "cy": ("Cy Op", 4), "dan": ("Dan Op", 4),
    "eve": ("Eve Colleague", 4), "hal": ("Hal Novice", 1), "jo": ("Jo Op", 4),
}


@pytest.fixture(scope="session")
def operators(shared_server):
    """Tokens of the shared server's operators, by key."""
    from concurrent.futures import ThreadPoolExecutor

    def make(item):
        key, (name, cap) = item
        return key, shared_server.operator(f"{key}@desk.test", name, max_chats=cap)
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(make, SHARED_OPERATORS.items()))
