"""The secret that signs the cluster bus's datagrams (bus.py). CHATDESK_BUS_SECRET when the
operator gives one (deploy/server.env; processes on several hosts may share it that way);
otherwise the `cluster_bus` row of `server_keys`, made by the first process that needs it, so every
process on the database (`--workers N` too) has the same one with no setup. Anyone who can read the
database can read it: it keeps out whatever can only reach the UDP ports."""
from __future__ import annotations

import hashlib
import secrets
import time

from sqlalchemy import insert, select

from ..storage import schema
from ..storage.engine import Database

K = schema.server_keys
NAME = "cluster_bus"


async def bus_key(db: Database, given: str = "") -> bytes:
    if given:
        return hashlib.sha256(given.encode()).digest()
    async with db.write() as conn:      # serial writes: two processes starting at once agree
        secret = (await conn.execute(select(K.c.secret).where(K.c.name == NAME))).scalar()
        if secret is None:
            secret = secrets.token_hex(32)
            await conn.execute(insert(K).values(name=NAME, secret=secret, created_at=time.time()))
    return bytes.fromhex(str(secret))
