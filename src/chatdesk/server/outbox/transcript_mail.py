"""A visitor asks for their chat's transcript by e-mail: the mail is rendered in their language and
queued in the outbox in one transaction (sent and retried by the delivery worker).

Their language: the one the widget shows them (it sends it with the request), else the shop's fixed
`--widget-language`, else the browsing language the page or heartbeat reported, else English."""
from __future__ import annotations

from sqlalchemy import select

from ..context import ServerContext
from ..services.errors import Invalid, conflict
from ..services.visitor_side import own
from ..services.widget_texts import choose_language
from ..storage import rows, schema
from ..storage.db import AnyConn
from .mails import transcript_mail

B = schema.visitor_browsing


async def browsing_language(conn: AnyConn, vid: str) -> str:
    """The language the page or the widget's heartbeat reported for this visitor ("" if none)."""
    return (await conn.execute(select(B.c.language).where(B.c.visitor_id == vid))).scalar() or ""


async def mail_language(conn: AnyConn, ctx: ServerContext, vid: str, asked: str | None) -> str:
    return choose_language(asked or await browsing_language(conn, vid), ctx.config.widget_language)


def check_address(email: str) -> str:
    email = email.strip()
    local, at, domain = email.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() or c in "<>,;\"" for c in email):
        raise Invalid(f"'{email[:100]}' is not an e-mail address.")
    return email


async def send_transcript(ctx: ServerContext, vid: str, cid: int, email: str, lang: str | None = None) -> str:
    """Queue the transcript mail in the visitor's language (`lang`: what the widget shows); returns
    the delivery id."""
    address = check_address(email)
    if ctx.outbox is None or not ctx.config.smtp.enabled:
        raise conflict("mail_off", "This chat server sends no e-mail, so it cannot send the transcript.")
    async with ctx.store.tx() as tx:
        conv = await own(tx.conn, vid, cid)
        messages = await rows.messages(tx.conn, cid, True)
        chosen = await mail_language(tx.conn, ctx, vid, lang)
        return await ctx.outbox.enqueue_mail(tx, "transcript", transcript_mail(address, chosen, conv, messages))
