"""Canned replies: shared ones and the caller's personal ones. Bodies are stored as written,
variables such as {visitor.name} included; the desk fills them in."""
from __future__ import annotations

import json
import time

from fastapi import APIRouter, Depends, Request
from sqlalchemy import insert, or_, select

from chatdesk.protocol.limits import MAX_TAG
from chatdesk.protocol.models import CannedReply
from chatdesk.protocol.requests import CannedCreateRequest

from .. import schema
from ..auth import Actor, current_operator
from ..state import ctx_of

router = APIRouter()
CR = schema.canned_replies


def canned_dict(r) -> dict:
    return {"id": r.id, "shortcut": r.shortcut, "title": r.title, "body": r.body,
            "tags": json.loads(r.tags), "owner_id": r.owner_id}


async def canned_for(conn, actor: Actor) -> list[dict]:
    """The shared canned replies and the actor's own."""
    rows = (await conn.execute(select(CR).where(or_(CR.c.owner_id.is_(None), CR.c.owner_id == actor.id))
                               .order_by(CR.c.shortcut, CR.c.id))).all()
    return [canned_dict(r) for r in rows]


@router.get("/canned")
async def list_canned(request: Request, actor: Actor = Depends(current_operator)):
    async with ctx_of(request).store.read() as conn:
        return {"canned": await canned_for(conn, actor)}


@router.post("/canned", response_model=CannedReply, status_code=201)
async def create_canned(body: CannedCreateRequest, request: Request, actor: Actor = Depends(current_operator)):
    async with ctx_of(request).store.tx() as tx:
        res = await tx.conn.execute(insert(CR).values(
            shortcut=body.shortcut.strip().lstrip("/"), title=body.title, body=body.body,
            tags=json.dumps([t.strip()[:MAX_TAG] for t in body.tags if t.strip()]), owner_id=None if body.shared else actor.id, created_at=time.time()))
        row = (await tx.conn.execute(select(CR).where(CR.c.id == res.inserted_primary_key[0]))).one()
    return canned_dict(row)
