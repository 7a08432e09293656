"""One shared real server for the security tests that need nothing special; tests that configure
limits or read the server log start their own (server_factory / server)."""
from __future__ import annotations

import pytest

from support.live_server import LiveServer


@pytest.fixture(scope="session")
def shared_sec(tmp_path_factory):
    srv = LiveServer(tmp_path_factory.mktemp("security") / "chat.db",
                     extra_args=["--visitor-timeout", "100000"]).start()
    yield srv
    srv.stop()


class Tally:
    """Counts what hostile requests got: stored (2xx), refused (4xx, checked for the error shape),
    server errors (5xx, listed by name). Printed at the end so a run reports its figures."""

    def __init__(self) -> None:
        self.stored = self.refused = 0
        self.server_errors: list[str] = []

    def check(self, r, label: str) -> bool:
        """True when the request was stored (2xx)."""
        if r.status_code >= 500:
            self.server_errors.append(f"{label}: {r.status_code} {r.text[:120]}")
            return False
        if r.status_code >= 400:
            body = r.json()
            assert set(body) == {"error", "message"} and body["message"], f"{label}: {body}"
            self.refused += 1
            return False
        self.stored += 1
        return True


@pytest.fixture
def tally(request):
    t = Tally()
    yield t
    print(f"\n{request.node.name}: {t.stored + t.refused + len(t.server_errors)} hostile requests, "
          f"{t.stored} stored, {t.refused} refused (4xx), {len(t.server_errors)} 5xx")
