"""Fixtures for the outbox tests: a real webhook receiver on loopback (the SMTP server, `mailbox`,
is in tests/conftest.py: the widget tests use it too)."""
from __future__ import annotations

import pytest

from tests.support.live_server import LiveServer
from tests.support.webhook_receiver import WebhookReceiver


@pytest.fixture
def receiver():
    r = WebhookReceiver().start()
    yield r
    r.stop()


@pytest.fixture(scope="session")
def shared_server(tmp_path_factory):
    srv = LiveServer(tmp_path_factory.mktemp("shared-integrations") / "chat.db").start()
    yield srv
    srv.stop()
