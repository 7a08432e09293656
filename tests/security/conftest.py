"""One shared real server for the security tests that need nothing special; tests that configure
limits or read the server log start their own (server_factory / server)."""
from __future__ import annotations

import pytest

from tests.support.live_server import LiveServer
from tests.support.tally import Tally


@pytest.fixture(scope="session")
def shared_server(tmp_path_factory):
    srv = LiveServer(tmp_path_factory.mktemp("security") / "chat.db",
                     extra_args=["--visitor-timeout", "100000"]).start()
    yield srv
    srv.stop()


@pytest.fixture
def tally(request):
    t = Tally()
    yield t
    print(f"\n{request.node.name}: {t.stored + t.refused + len(t.server_errors)} hostile requests, "
          f"{t.stored} stored, {t.refused} refused (4xx), {len(t.server_errors)} 5xx")


@pytest.fixture
def limited_server(tmp_path):
    """Start servers under an open-file limit (soft and hard), with extra arguments; all are
    stopped after the test."""
    started: list[LiveServer] = []

    def make(open_files: int, *extra_args: str, name: str = "limited", soft_files: int | None = None) -> LiveServer:
        srv = LiveServer(tmp_path / f"{name}.db", extra_args=list(extra_args), open_files=open_files,
                         soft_files=soft_files).start()
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()
