"""One shared real server for the tests that need nothing special (each test uses its own
operators and visitors); tests that restart, kill or configure a server start their own."""
from __future__ import annotations

import pytest

from tests.support.live_server import LiveServer


@pytest.fixture(scope="session")
def shared_server(tmp_path_factory):
    # A long visitor timeout: queued chats left by earlier tests must not turn missed mid-test.
    srv = LiveServer(tmp_path_factory.mktemp("shared") / "chat.db",
                     extra_args=["--visitor-timeout", "100000"]).start()
    yield srv
    srv.stop()
