"""Bearer tokens (random, stored only as sha256): who a token belongs to."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from chatdesk.protocol.models import STAFF_ROLES

from ..storage import schema
from .passwords import token_hash


@dataclass(frozen=True)
class Actor:
    """The authenticated operator of a request or stream."""
    id: int
    name: str
    role: str

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


async def actor_for_token(db, token: str | None) -> Actor | None:
    if not token:
        return None
    o, t = schema.operators, schema.operator_tokens
    async with db.read() as conn:
        row = (await conn.execute(
            select(o.c.id, o.c.name, o.c.role).join(t, t.c.operator_id == o.c.id)
            .where(t.c.token_hash == token_hash(token), t.c.revoked_at.is_(None)))).first()
    return Actor(row.id, row.name, row.role) if row else None


async def visitor_for_token(db, token: str | None) -> str | None:
    if not token:
        return None
    return await visitor_id_for_hash(db, token_hash(token))


async def visitor_id_for_hash(db, key: str) -> str | None:
    t = schema.visitor_tokens
    async with db.read() as conn:
        return (await conn.execute(select(t.c.visitor_id).where(t.c.token_hash == key))).scalar()
