"""A real SMTP server on loopback (aiosmtpd) that keeps every mail it accepts, parsed."""
from __future__ import annotations

import email
import email.policy
import threading
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from chatdesk.demo.local_server import free_port

# A server's mail settings for tests: who sends, who gets sales follow-ups and team requests, and
# the address transcript links start with.
SHOP_MAIL_ARGS = ("--mail-from", "desk@shop.test", "--sales-address", "sales@shop.test",
                  "--team-address", "team@shop.test", "--public-url", "https://chat.shop.test")


class _Keep:
    def __init__(self, box: MailReceiver) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        with self.box.lock:
            self.box.mails.append((list(envelope.rcpt_tos), msg))
        return "250 OK"


class MailReceiver:
    def __init__(self) -> None:
        self.mails: list[tuple[list[str], EmailMessage]] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(_Keep(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> MailReceiver:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def server_args(self) -> list[str]:
        return ["--smtp-host", "127.0.0.1", "--smtp-port", str(self.port), "--smtp-tls", "none"]

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for rcpt, m in self.mails if address in rcpt]


def parts(msg: EmailMessage) -> tuple[str, str]:
    """(plain text, HTML) of a multipart/alternative mail, with \\n line ends."""
    text = msg.get_body(("plain",))
    page = msg.get_body(("html",))
    assert text is not None and page is not None
    return text.get_content().replace("\r\n", "\n"), page.get_content().replace("\r\n", "\n")
