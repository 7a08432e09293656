"""Who is serving: one row per process in cluster_members, renewed every heartbeat. A row not
renewed for STALE_AFTER seconds is a dead process; the next heartbeat of anyone removes it, and
its rows in visitor_presence (cluster/presence.py)."""
from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, update

from ..storage import schema
from ..storage.db import AnyConn

M, P = schema.cluster_members, schema.visitor_presence
STALE_AFTER = 5.0


@dataclass
class Membership:
    bus_host: str
    bus_port: int
    member_id: str = field(default_factory=lambda: f"{os.getpid()}-{uuid.uuid4().hex[:8]}")
    started_at: float = field(default_factory=time.time)

    async def join(self, conn: AnyConn, now: float | None = None) -> None:
        now = time.time() if now is None else now
        await conn.execute(insert(M).values(member_id=self.member_id, pid=os.getpid(), bus_host=self.bus_host,
                                            bus_port=self.bus_port, started_at=self.started_at,
                                            heartbeat_at=now))

    async def beat(self, conn: AnyConn, now: float) -> bool:
        """Renews our row (written again if someone removed it as stale: then True) and removes
        dead ones, with their presence rows."""
        found = (await conn.execute(update(M).where(M.c.member_id == self.member_id)
                                    .values(heartbeat_at=now))).rowcount
        if not found:
            await self.join(conn, now)
        if (await conn.execute(delete(M).where(M.c.heartbeat_at < now - STALE_AFTER))).rowcount:
            await conn.execute(delete(P).where(P.c.member_id.not_in(select(M.c.member_id))))
        return not found

    async def leave(self, conn: AnyConn) -> None:
        await conn.execute(delete(P).where(P.c.member_id == self.member_id))
        await conn.execute(delete(M).where(M.c.member_id == self.member_id))


async def live_peers(conn: AnyConn, me: str, now: float) -> list[Any]:
    """The other live members' rows: member_id, bus_host, bus_port, presence_seq, presence_pruned."""
    return list((await conn.execute(select(M.c.member_id, M.c.bus_host, M.c.bus_port, M.c.presence_seq,
                                           M.c.presence_pruned).where(
        M.c.member_id != me, M.c.heartbeat_at >= now - STALE_AFTER))).all())


async def live_count(conn: AnyConn, now: float) -> int:
    return len((await conn.execute(select(M.c.member_id).where(M.c.heartbeat_at >= now - STALE_AFTER))).all())
