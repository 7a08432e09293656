"""Canned replies: shared ones and each operator's own. Bodies are stored as written, variables such
as {visitor.name} included; the desk fills them in."""
from __future__ import annotations

import time
from typing import Any

from sqlalchemy import insert, or_, select

from chatdesk.protocol.limits import MAX_TAG

from ..eventlog.log import Tx
from ..security.tokens import Actor
from ..storage import rows
from ..storage.db import AnyConn
from ..storage.schema import canned_replies as CR


async def visible_to(conn: AnyConn, actor: Actor) -> list[dict[str, Any]]:
    """The shared canned replies and the actor's own."""
    found = (await conn.execute(select(CR).where(or_(CR.c.owner_id.is_(None), CR.c.owner_id == actor.id))
                                .order_by(CR.c.shortcut, CR.c.id))).all()
    return [rows.canned_dict(r) for r in found]


async def create(tx: Tx, actor: Actor, *, shortcut: str, title: str, body: str, tags: list[str],
                 shared: bool) -> dict[str, Any]:
    res = await tx.conn.execute(insert(CR).values(
        shortcut=shortcut.strip().lstrip("/"), title=title, body=body,
        tags=[t.strip()[:MAX_TAG] for t in tags if t.strip()], owner_id=None if shared else actor.id,
        created_at=time.time()))
    row = (await tx.conn.execute(select(CR).where(CR.c.id == res.inserted_primary_key[0]))).one()
    return rows.canned_dict(row)
