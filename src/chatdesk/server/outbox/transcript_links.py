"""Transcript links for people outside the desk: a CRM that got `conversation.closed`, the sales
inbox that got a follow-up, the team that got a callback request. They have no chatdesk login and a
browser cannot send an operator's token, so the link itself is the permission: signed by the server
(HMAC-SHA256, keyed with the `transcript_links` row of `server_keys`, over the chat id and the
expiry) and valid until it expires (`--transcript-link-days`, default 30). Anyone holding the link
can read that one chat until then: it goes only to addresses an admin configured. Staff read any
transcript in the desk (F11) or by REST with their own token, for ever."""
from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from sqlalchemy import select

from chatdesk.protocol.limits import API_PREFIX

from ..services.errors import Forbidden
from ..storage import schema
from ..storage.db import AnyConn

KEY_NAME = "transcript_links"
PATH = API_PREFIX + "/transcript-links"
K = schema.server_keys


def signature(secret: str, cid: int, expires: int) -> str:
    return hmac.new(secret.encode(), f"transcript:{cid}:{expires}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class TranscriptLinks:
    public_url: str
    secret: str
    lifetime: float          # seconds a link stays valid

    def url(self, cid: int | None, now: float | None = None) -> str:
        """The link to chat `cid` ("" for no chat)."""
        if cid is None:
            return ""
        expires = int((time.time() if now is None else now) + self.lifetime)
        return f"{self.public_url}{PATH}/{cid}?expires={expires}&sig={signature(self.secret, cid, expires)}"


async def link_key(conn: AnyConn) -> str:
    """The signing key (made by migration 6)."""
    secret = (await conn.execute(select(K.c.secret).where(K.c.name == KEY_NAME))).scalar()
    if secret is None:
        raise RuntimeError("The database has no transcript link key: it was not migrated to schema 6.")
    return str(secret)


def check(secret: str, cid: int, expires: int, sig: str, now: float) -> None:
    """Refuse, with a sentence, a link this server did not sign or one that has expired."""
    if not hmac.compare_digest(signature(secret, cid, expires).encode(), sig.lower().encode()):
        raise Forbidden("This transcript link is not valid: it was changed, or it is not from this server.",
                        "bad_link")
    if now > expires:
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(expires))
        raise Forbidden(f"This transcript link expired on {when}. Staff can read the chat in the desk "
                        "(transcripts, F11).", "link_expired")
