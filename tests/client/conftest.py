"""One real server shared by the client tests that neither stop nor restart it (each test uses its
own operators and chats); tests that stop or restart a server use the function-scoped `server`."""
from __future__ import annotations

import pytest

from tests.support.accounts import new_email
from tests.support.live_server import LiveServer


@pytest.fixture(scope="package")
def shared_server(tmp_path_factory):
    srv = LiveServer(tmp_path_factory.mktemp("shared") / "chat.db").start()
    yield srv
    srv.stop()


@pytest.fixture(scope="package")
def regular_email(shared_server) -> str:
    """One operator ("Ana Smith") reused by the tests that need no fresh account: each logs in
    for its own token. Tests that count this operator's chats use `new_operator` instead."""
    return new_email(shared_server, "Ana Smith")


@pytest.fixture
def regular_token(shared_server, regular_email) -> str:
    return shared_server.login(regular_email)
