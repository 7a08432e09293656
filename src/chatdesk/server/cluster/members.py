"""Who is serving: one row per process in cluster_members, renewed every heartbeat. A row not
renewed for STALE_AFTER seconds is a dead process; the next heartbeat of anyone removes it."""
from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select, update

from ..storage import schema
from ..storage.db import AnyConn

M = schema.cluster_members
STALE_AFTER = 5.0


@dataclass
class Membership:
    bus_host: str
    bus_port: int
    member_id: str = field(default_factory=lambda: f"{os.getpid()}-{uuid.uuid4().hex[:8]}")
    started_at: float = field(default_factory=time.time)

    async def join(self, conn: AnyConn) -> None:
        now = time.time()
        await conn.execute(insert(M).values(member_id=self.member_id, pid=os.getpid(), bus_host=self.bus_host,
                                            bus_port=self.bus_port, started_at=self.started_at,
                                            heartbeat_at=now))

    async def beat(self, conn: AnyConn, now: float) -> None:
        """Renews our row (written again if someone removed it as stale) and removes dead ones."""
        found = (await conn.execute(update(M).where(M.c.member_id == self.member_id)
                                    .values(heartbeat_at=now))).rowcount
        if not found:
            await self.join(conn)
        await conn.execute(delete(M).where(M.c.heartbeat_at < now - STALE_AFTER))

    async def leave(self, conn: AnyConn) -> None:
        await conn.execute(delete(M).where(M.c.member_id == self.member_id))


async def live_peers(conn: AnyConn, me: str, now: float) -> list[tuple[str, int]]:
    rows = (await conn.execute(select(M.c.bus_host, M.c.bus_port).where(
        M.c.member_id != me, M.c.heartbeat_at >= now - STALE_AFTER))).all()
    return [(r.bus_host, r.bus_port) for r in rows]


async def live_count(conn: AnyConn, now: float) -> int:
    return len((await conn.execute(select(M.c.member_id).where(M.c.heartbeat_at >= now - STALE_AFTER))).all())
