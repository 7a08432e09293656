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
