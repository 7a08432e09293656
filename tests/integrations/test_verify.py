"""The receiver's verifier (chatdesk.integrations.verify), on its own: what it accepts and what it
rejects. The end-to-end tests check it against real deliveries."""
from __future__ import annotations

import pytest

from chatdesk.integrations.verify import Rejected, sign, signature_header, verify

BODY = b'{"id":"7d1e","event":"message.created","data":{"body":"hi"}}'
NOW = 1_800_000_000.0
STAMP = str(int(NOW))


def test_a_signature_made_with_the_secret_verifies():
    verify("s1", BODY, signature_header(["s1"], STAMP, BODY), STAMP, now=NOW)


def test_either_of_two_signatures_verifies_during_a_rotation():
    header = signature_header(["new", "old"], STAMP, BODY)
    assert header == f"sha256={sign('new', STAMP, BODY)}, sha256={sign('old', STAMP, BODY)}"
    verify("new", BODY, header, STAMP, now=NOW)
    verify("old", BODY, header, STAMP, now=NOW)
    with pytest.raises(Rejected, match="No signature matches"):
        verify("other", BODY, header, STAMP, now=NOW)


@pytest.mark.parametrize("body", [BODY.replace(b"hi", b"ho"), BODY + b" ", b""])
def test_a_changed_body_is_rejected(body):
    with pytest.raises(Rejected, match="No signature matches"):
        verify("s1", body, signature_header(["s1"], STAMP, BODY), STAMP, now=NOW)


def test_the_timestamp_is_signed_too():
    header = signature_header(["s1"], STAMP, BODY)
    later = str(int(NOW) + 10)
    with pytest.raises(Rejected, match="No signature matches"):
        verify("s1", BODY, header, later, now=NOW)


@pytest.mark.parametrize("offset", [301, -301])
def test_a_timestamp_more_than_five_minutes_off_is_rejected(offset):
    with pytest.raises(Rejected, match="too old"):
        verify("s1", BODY, signature_header(["s1"], STAMP, BODY), STAMP, now=NOW + offset)


def test_a_timestamp_that_is_not_a_number_is_rejected():
    with pytest.raises(Rejected, match="not a number"):
        verify("s1", BODY, signature_header(["s1"], "soon", BODY), "soon", now=NOW)
