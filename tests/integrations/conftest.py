"""Fixtures for the outbox tests: a webhook receiver and an SMTP server, both real, on loopback."""
from __future__ import annotations

import pytest

from tests.support.live_server import LiveServer
from tests.support.mail_receiver import MailReceiver
from tests.support.webhook_receiver import WebhookReceiver


@pytest.fixture
def receiver():
    r = WebhookReceiver().start()
    yield r
    r.stop()


@pytest.fixture
def mailbox():
    box = MailReceiver().start()
    yield box
    box.stop()


@pytest.fixture(scope="session")
def shared_server(tmp_path_factory):
    srv = LiveServer(tmp_path_factory.mktemp("shared-integrations") / "chat.db").start()
    yield srv
    srv.stop()
