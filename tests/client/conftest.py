"""One real server shared by the client tests that neither stop nor restart it (each test uses its
own operators and chats); tests that stop or restart a server use the function-scoped `server`."""
from __future__ import annotations

import itertools

import pytest

from tests.support.live_server import LiveServer

_n = itertools.count(1)


@pytest.fixture(scope="package")
def shared(tmp_path_factory):
    srv = LiveServer(tmp_path_factory.mktemp("shared") / "chat.db").start()
    yield srv
    srv.stop()


def new_email(srv, name: str = "Ana") -> str:
    """A new operator on the shared server, added through the real CLI (password "secret-pass-1")."""
    email = f"{name.lower()}{next(_n)}@example.com"
    srv.add_user(email, name)
    return email


def new_operator(srv, name: str = "Ana") -> str:
    """A fresh operator on the shared server; returns its token."""
    return srv.login(new_email(srv, name))


@pytest.fixture(scope="package")
def regular_email(shared) -> str:
    """One operator ("Ana Smith") reused by the tests that need no fresh account: each logs in
    for its own token. Tests that count this operator's chats use `new_operator` instead."""
    return new_email(shared, "Ana Smith")


@pytest.fixture
def regular_token(shared, regular_email) -> str:
    return shared.login(regular_email)
