"""Webhook signatures, both sides: chatdesk signs with `signature_header`, a receiver checks with
`verify`. Standard library only, so a receiver can copy this file or import it.

The signature is HMAC-SHA256 over `{timestamp}.{body}` (the raw body bytes), hex, sent as
`X-Chatdesk-Signature: sha256=<hex>`; during a secret rotation a second `sha256=<hex>` follows,
made with the previous secret, and either one proves the delivery. `X-Chatdesk-Timestamp` is Unix
seconds; a receiver rejects a timestamp older than `max_age` (5 minutes) so a captured delivery
cannot be replayed later.
"""
from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable

MAX_AGE = 300.0          # seconds: an older timestamp is a replay, or a clock far off


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of `{timestamp}.{body}` under `secret`."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_header(secrets: Iterable[str], timestamp: str, body: bytes) -> str:
    """`sha256=<hex>[, sha256=<hex>]`: one signature per secret, the current one first."""
    return ", ".join(f"sha256={sign(s, timestamp, body)}" for s in secrets)


class Rejected(ValueError):
    """The delivery is not from chatdesk, was changed on the way, or is too old."""


def verify(secret: str, body: bytes, signature_header: str, timestamp: str, *,
           max_age: float = MAX_AGE, now: float | None = None) -> None:
    """Raise Rejected unless one of the header's signatures is `secret`'s over this timestamp and
    body, and the timestamp is at most `max_age` seconds old (or ahead)."""
    try:
        sent = float(timestamp)
    except ValueError:
        raise Rejected("The timestamp is not a number.") from None
    if abs((time.time() if now is None else now) - sent) > max_age:
        raise Rejected("The timestamp is too old (or in the future): a replay?")
    expected = sign(secret, timestamp, body)
    offered = [part.strip().removeprefix("sha256=") for part in signature_header.split(",")]
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise Rejected("No signature matches: the body was changed or the secret is wrong.")
