"""A visitor asks for their chat's transcript by e-mail: the mail is rendered in their language and
queued in the outbox in one transaction (sent and retried by the delivery worker)."""
from __future__ import annotations

from sqlalchemy import select

from ..context import ServerContext
from ..services.errors import Invalid, conflict
from ..services.visitor_side import own
from ..storage import rows, schema
from ..storage.db import AnyConn
from .mails import transcript_mail

V = schema.visitors


async def visitor_language(conn: AnyConn, vid: str) -> str | None:
    """The language the widget sent at session start, where the server stores one (column `lang`)."""
    column = V.c.get("lang")
    if column is None:
        return None
    return (await conn.execute(select(column).where(V.c.id == vid))).scalar()


def check_address(email: str) -> str:
    email = email.strip()
    local, at, domain = email.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() or c in "<>,;\"" for c in email):
        raise Invalid(f"'{email[:100]}' is not an e-mail address.")
    return email


async def send_transcript(ctx: ServerContext, vid: str, cid: int, email: str) -> str:
    """Queue the transcript mail; returns the delivery id."""
    address = check_address(email)
    if ctx.outbox is None or not ctx.config.smtp.enabled:
        raise conflict("mail_off", "This chat server sends no e-mail, so it cannot send the transcript.")
    async with ctx.store.tx() as tx:
        conv = await own(tx.conn, vid, cid)
        messages = await rows.messages(tx.conn, cid, True)
        lang = await visitor_language(tx.conn, vid)
        return await ctx.outbox.enqueue_mail(tx, "transcript", transcript_mail(address, lang, conv, messages))
