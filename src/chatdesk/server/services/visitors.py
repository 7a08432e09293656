"""Operator side of visitors: who may look at one, the journey and history, contact fields, and
notes kept across conversations."""
from __future__ import annotations

import time
from typing import Any

from sqlalchemy import insert, or_, select, update

from chatdesk.protocol import events as ev

from ..eventlog.log import Tx
from ..security.tokens import Actor
from ..storage import rows
from ..storage.db import AnyConn
from ..storage.schema import conversations as C
from ..storage.schema import visitor_notes as N
from ..storage.schema import visitors as V
from .conversations import audience
from .errors import forbidden, not_found


async def check_access(conn: AnyConn, vid: str, actor: Actor) -> None:
    if await rows.visitor_row(conn, vid) is None:
        raise not_found(f"visitor {vid}")
    if actor.is_staff:
        return
    mine = (await conn.execute(select(C.c.id).where(
        C.c.visitor_id == vid, or_(C.c.state == "queued", C.c.operator_id == actor.id)).limit(1))).first()
    if mine is None:
        raise forbidden("This visitor is not in the queue or in one of your conversations.")


async def event_audience(conn: AnyConn, vid: str) -> dict[str, Any]:
    """Visitor events go where the visitor's open conversation goes (staff only if none)."""
    cid = await rows.open_conversation_id(conn, vid)
    conv = await rows.conversation(conn, cid) if cid is not None else None
    if conv is None:
        return {"conversation_id": None, "all_operators": False, "ops": ()}
    return {"conversation_id": cid, **audience(conv)}


async def detail(conn: AnyConn, vid: str, actor: Actor, connected: bool) -> dict[str, Any]:
    await check_access(conn, vid, actor)
    found = await rows.visitor_details(conn, [vid], lambda _vid: connected)
    return found[vid]


async def update_contact(tx: Tx, vid: str, actor: Actor, changes: dict[str, Any],
                         connected: bool) -> dict[str, Any]:
    await check_access(tx.conn, vid, actor)
    if changes:
        await tx.conn.execute(update(V).where(V.c.id == vid).values(**changes))
        visitor = await rows.visitor(tx.conn, vid, connected)
        await tx.emit(ev.VISITOR_UPDATED, {"visitor": visitor}, **await event_audience(tx.conn, vid))
    found = await rows.visitor_details(tx.conn, [vid], lambda _vid: connected)
    return found[vid]


async def add_note(tx: Tx, vid: str, actor: Actor, body: str) -> dict[str, Any]:
    await check_access(tx.conn, vid, actor)
    res = await tx.conn.execute(insert(N).values(visitor_id=vid, body=body, author_id=actor.id,
                                                 author_name=actor.name, ts=time.time()))
    row = (await tx.conn.execute(select(N).where(N.c.id == res.inserted_primary_key[0]))).one()
    note = rows.note_dict(row)
    await tx.emit(ev.VISITOR_NOTE, {"visitor_id": vid, "note": note}, **await event_audience(tx.conn, vid))
    return note
