"""One mail over SMTP with the standard library, in a thread: STARTTLS or TLS and AUTH as the
settings say. The delivery id becomes the Message-ID, so a resent mail is recognisably the same."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from ..config import SmtpSettings


def message(settings: SmtpSettings, mail: dict[str, Any], delivery_id: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = mail["to"]
    msg["Subject"] = mail["subject"]
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = f"<{delivery_id}@chatdesk>"
    msg.set_content(mail["text"])
    msg.add_alternative(mail["html"], subtype="html")
    return msg


def send(settings: SmtpSettings, mail: dict[str, Any], delivery_id: str, timeout: float) -> None:
    """Blocking: run it in a thread. Raises on any refusal (smtplib's exceptions, OSError)."""
    msg = message(settings, mail, delivery_id)
    host, port = settings.host, settings.effective_port
    client: smtplib.SMTP
    if settings.tls == "tls":
        client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    with client:
        if settings.tls == "starttls":
            client.starttls(context=ssl.create_default_context())
        if settings.user:
            client.login(settings.user, settings.password)
        client.send_message(msg)
