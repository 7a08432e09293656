"""The hook point itself, on a real SQLite file: what Tx.emit writes into the outbox, in the
event's own transaction. Events no route emits yet on this branch (request.created,
order.attributed) are emitted here directly, through the same Tx.emit every route uses."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from chatdesk.protocol import events as ev
from chatdesk.server.config import ServerConfig, SmtpSettings
from chatdesk.server.eventlog.hub import Hub
from chatdesk.server.eventlog.log import Store
from chatdesk.server.outbox import subscriptions
from chatdesk.server.outbox.enqueue import Outbox
from chatdesk.server.storage import schema
from chatdesk.server.storage.engine import open_database
from chatdesk.server.storage.migrations import migrate_async

D = schema.deliveries
CALLBACK = {"request": {"id": 3, "kind": "callback", "channel": "phone", "name": "Ola <b>", "phone": "+47 1",
                        "email": "", "preferred_time": "after 5", "message": "call me", "conversation_id": 9}}


async def outbox_store(path: Path, **smtp: str) -> tuple[Store, Outbox]:
    config = ServerConfig(db_path=path, public_url="https://chat.test",
                          smtp=SmtpSettings(**smtp) if smtp else SmtpSettings())
    db = open_database(path)
    await migrate_async(db)
    outbox = Outbox(config)
    return Store(db, Hub(), 0, outbox), outbox


async def rows(store: Store) -> list:
    async with store.read() as conn:
        return (await conn.execute(select(D).order_by(D.c.created_at))).all()


async def test_a_rolled_back_event_leaves_no_delivery_and_a_committed_one_has_its_own(tmp_path):
    store, outbox = await outbox_store(tmp_path / "chat.db")
    async with store.db.write() as conn:
        await subscriptions.add(conn, "https://crm.test/hook", ["callback.requested", "order.attributed"])
    with pytest.raises(RuntimeError):
        async with store.tx() as tx:
            await tx.emit(ev.REQUEST_CREATED, CALLBACK)
            raise RuntimeError("the route failed after the event")
    assert await rows(store) == [] and not outbox.announced.is_set()
    async with store.tx() as tx:
        row = await tx.emit(ev.REQUEST_CREATED, CALLBACK)
        await tx.emit(ev.ORDER_ATTRIBUTED, {"order": {"id": "A-1", "conversation_id": 9}})
        await tx.emit(ev.REQUEST_CREATED, {"request": {**CALLBACK["request"], "kind": "offline"}})  # not subscribed
    written = await rows(store)
    assert [(d.channel, d.event, d.event_id is not None) for d in written] == \
        [("webhook", "callback.requested", True), ("webhook", "order.attributed", True)]
    assert written[0].event_id == row.event_id and written[0].payload["data"] == CALLBACK
    assert len({d.id for d in written}) == 2 and outbox.announced.is_set()
    await store.db.close()


async def test_requests_mail_the_team_and_a_wrap_up_with_a_follow_up_mails_sales(tmp_path):
    store, _ = await outbox_store(tmp_path / "chat.db", host="127.0.0.1", team_address="team@shop.test",
                                  sales_address="sales@shop.test")
    conv = {"id": 9, "summary": "left early", "tags": ["lead"], "follow_up": "Quote 40 chairs", "operator_name": "Ana"}
    async with store.tx() as tx:
        await tx.emit(ev.REQUEST_CREATED, {"request": {**CALLBACK["request"], "kind": "offline"}})
        await tx.emit(ev.CONVERSATION_UPDATED, {"conversation": conv, "visitor": {"name": "Ola"}, "change": "wrap_up"})
        await tx.emit(ev.CONVERSATION_UPDATED, {"conversation": {**conv, "follow_up": ""}, "change": "wrap_up"})
        await tx.emit(ev.CONVERSATION_UPDATED, {"conversation": conv, "change": "rating"})   # not a close
    mails = [(d.recipient, d.event, d.payload["subject"]) for d in await rows(store)]
    assert mails == [("team@shop.test", "request_offline", "Offline message: Ola <b>"),
                     ("sales@shop.test", "sales_follow_up", "Sales follow-up: Ola (chat 9)")]
    await store.db.close()
