"""Deliveries are written here, inside the transaction of the event they report (Tx.emit calls
`Outbox.enqueue_for`), so a committed event always has its deliveries and a rolled-back one none.
Each delivery gets its UUID now: every retry of it carries the same id."""
from __future__ import annotations

import asyncio
import time
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from chatdesk.protocol import events as ev

from ..storage import schema
from . import webhook_events as we
from .mails import Mail, request_mail, sales_mail
from .transcript_links import TranscriptLinks, link_key

if TYPE_CHECKING:
    from ..config import ServerConfig
    from ..eventlog.log import EventRow, Tx

D, W = schema.deliveries, schema.webhooks
WEBHOOK, MAIL = "webhook", "mail"


def delivery_row(channel: str, event: str, payload: dict[str, Any], *, give_up_after: float,
                 webhook_id: int | None = None, recipient: str = "", event_id: int | None = None) -> dict[str, Any]:
    now = time.time()
    return {"id": str(uuid.uuid4()), "channel": channel, "webhook_id": webhook_id, "recipient": recipient,
            "event": event, "event_id": event_id, "payload": payload, "state": "pending", "attempts": 0,
            "next_at": now, "created_at": now, "give_up_at": now + give_up_after, "last_error": ""}


def subscribed(events: list[str], name: str) -> bool:
    return "*" in events or name in events


class Outbox:
    """The enqueue side; `announced` wakes the delivery worker after a commit that wrote rows."""

    def __init__(self, config: ServerConfig):
        self.config = config
        self.announced = asyncio.Event()
        self._links: TranscriptLinks | None = None

    async def links(self, conn: Any) -> TranscriptLinks:
        """The transcript link signer; its key is read once (migration 6 made it, it never changes)."""
        if self._links is None:
            self._links = TranscriptLinks(self.config.public_url, await link_key(conn),
                                          self.config.transcript_link_days * 86_400.0)
        return self._links

    def announce(self) -> None:
        self.announced.set()

    async def enqueue_for(self, tx: Tx, row: EventRow) -> int:
        """The deliveries a logged event causes: one per subscribed webhook, and its mails."""
        rows = []
        name = we.webhook_event(row.type, row.data)
        links = await self.links(tx.conn)
        if name is not None:
            body = we.payload(name, row.data, links.url)
            envelope = {"event": name, "created_at": row.ts, "event_id": row.event_id, "data": body}
            for sub in (await tx.conn.execute(select(W.c.id, W.c.events))).all():
                if subscribed(sub.events, name):
                    rows.append(delivery_row(WEBHOOK, name, envelope, webhook_id=sub.id, event_id=row.event_id,
                                             give_up_after=self.config.give_up_after))
        for kind, mail in self.mails_for(row, links):
            rows.append(delivery_row(MAIL, kind, mail.as_payload(), recipient=mail.to, event_id=row.event_id,
                                     give_up_after=self.config.give_up_after))
        if rows:
            await tx.conn.execute(insert(D), rows)
        return len(rows)

    def mails_for(self, row: EventRow, links: TranscriptLinks) -> list[tuple[str, Mail]]:
        smtp = self.config.smtp
        if not smtp.enabled:
            return []
        data = row.data
        conv = data.get("conversation") or {}
        closing = row.type == ev.CONVERSATION_CLOSED or (
            row.type == ev.CONVERSATION_UPDATED and data.get("change") == we.WRAP_UP)
        if closing and smtp.sales_address and (conv.get("follow_up") or "").strip():
            link = links.url(conv.get("id"))
            return [("sales_follow_up", sales_mail(smtp.sales_address, conv, data.get("visitor") or {}, link))]
        if row.type == ev.REQUEST_CREATED and smtp.team_address:
            request = data.get("request") or {}
            link = links.url(request.get("conversation_id"))
            return [(f"request_{request.get('kind', '')}", request_mail(smtp.team_address, request, link))]
        return []

    async def enqueue_mail(self, tx: Tx, kind: str, mail: Mail) -> str:
        """A mail no logged event causes (the visitor's transcript); returns the delivery id."""
        values = delivery_row(MAIL, kind, mail.as_payload(), recipient=mail.to,
                              give_up_after=self.config.give_up_after)
        await tx.conn.execute(insert(D).values(**values))
        tx.queued += 1
        return str(values["id"])
