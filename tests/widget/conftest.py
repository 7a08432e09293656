from __future__ import annotations

import pytest

from tests.support.live_server import LiveServer


@pytest.fixture(scope="package")
def shared_server(tmp_path_factory):
    """One real server for the widget tests (each test has its own visitor and operator).
    test_widget.py restarts it in its last test, so keep that one last."""
    srv = LiveServer(tmp_path_factory.mktemp("widget") / "chat.db").start()
    yield srv
    srv.stop()
