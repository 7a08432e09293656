"""Which visitors have a stream open on another process: the `connected` flag for all processes
on one database (docs/deploy.md, "Visitors connected to another process").

Writing: at each heartbeat, inside the heartbeat's own write transaction (no write of its own), a
process writes what changed in its set of visitor streams since its last beat: one row per
(member, visitor) in visitor_presence, numbered with the member's next change number `seq`;
`present` false marks a stream that closed. A closed row is kept TOMBSTONE_KEEP seconds, so a peer
reads only what changed; the member's row in cluster_members says its newest `presence_seq` and
`presence_pruned`, the change up to which closed rows are gone.

Reading: in the heartbeat's read, for each live peer whose presence_seq moved, the rows after the
change this process knows (all of its open rows if it knows none, or if the closed rows it has not
seen were removed). Each peer's set is kept in memory, so `connected(vid)` is a set look-up. A peer
whose heartbeat stopped (killed) leaves the live peers after members.STALE_AFTER and its set goes
with it; whoever removes its member row removes its presence rows.

A process without --cluster has no Presence: the hub's own streams are the whole truth."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, update

from ..eventlog.hub import Hub
from ..storage import schema
from ..storage.db import AnyConn

P, M = schema.visitor_presence, schema.cluster_members
TOMBSTONE_KEEP = 30.0      # seconds a closed stream's row stays for peers reading changes only
CHUNK = 500


@dataclass
class PeerSet:
    seq: int = 0
    visitors: set[str] = field(default_factory=set)


class Presence:
    def __init__(self, hub: Hub, member_id: str):
        self.hub, self.member_id = hub, member_id
        self.seq = 0                 # our newest change number
        self.pruned = 0              # our closed rows up to this change are removed
        self.row: tuple[int, int] | None = (0, 0)   # (presence_seq, presence_pruned) in our member row
        self._unsure = False
        self.written: set[str] = set()      # the visitors our rows say are connected here
        self.history: deque[tuple[float, int]] = deque()   # (when, seq): what may be pruned when
        self.peers: dict[str, PeerSet] = {}
        self.reloads = 0             # full reads of a peer's set (a new peer, or one we fell behind)

    def connected(self, visitor_id: str) -> bool:
        """Has a stream open on a live peer (this process's own streams are the hub's)."""
        return any(visitor_id in peer.visitors for peer in self.peers.values())

    # --- writing, in the heartbeat's write transaction -------------------------------------------
    def unsure(self) -> None:
        """The heartbeat's transaction failed after `write`: what our rows hold is not known."""
        self._unsure = True

    async def _start_over(self, conn: AnyConn) -> None:
        """Our rows may not be what we think (our member row was removed as stale after a stall
        and the remover took our rows too, or a heartbeat failed): remove them and write the
        whole set again; peers read us whole (pruned moves past anything they know)."""
        await conn.execute(delete(P).where(P.c.member_id == self.member_id))
        self.written = set()
        self.seq += 1
        self.pruned = self.seq
        self.row = None
        self.history.clear()
        self._unsure = False

    async def write(self, conn: AnyConn, now: float, *, rejoined: bool = False) -> None:
        """rejoined: our member row was just written afresh (members.Membership.beat)."""
        if self._unsure or (rejoined and self.seq):
            await self._start_over(conn)
        here = set(self.hub.visitor_streams)
        opened, closed = here - self.written, self.written - here
        if opened or closed:
            self.seq += 1
            changed = sorted(opened | closed)
            for i in range(0, len(changed), CHUNK):
                await conn.execute(delete(P).where(P.c.member_id == self.member_id,
                                                   P.c.visitor_id.in_(changed[i:i + CHUNK])))
            await conn.execute(insert(P), [{"member_id": self.member_id, "visitor_id": vid, "seq": self.seq,
                                            "present": vid in opened, "changed_at": now} for vid in changed])
            self.written = here
            if closed:
                self.history.append((now, self.seq))
        await self._prune(conn, now)
        if self.row != (self.seq, self.pruned):
            await conn.execute(update(M).where(M.c.member_id == self.member_id)
                               .values(presence_seq=self.seq, presence_pruned=self.pruned))
            self.row = (self.seq, self.pruned)

    async def _prune(self, conn: AnyConn, now: float) -> None:
        """Closed rows older than TOMBSTONE_KEEP go; a peer that has not read them reads us whole."""
        upto = 0
        while self.history and self.history[0][0] < now - TOMBSTONE_KEEP:
            upto = self.history.popleft()[1]
        if upto > self.pruned:
            await conn.execute(delete(P).where(P.c.member_id == self.member_id, P.c.present.is_(False),
                                               P.c.seq <= upto))
            self.pruned = upto

    # --- reading, in the heartbeat's read (one snapshot with the member rows) --------------------
    async def follow(self, conn: AnyConn, peers: list[Any]) -> None:
        """peers: the live peers' member rows (member_id, presence_seq, presence_pruned)."""
        live = {p.member_id for p in peers}
        for gone in set(self.peers) - live:
            del self.peers[gone]
        for p in peers:
            known = self.peers.get(p.member_id)
            if known is not None and known.seq == p.presence_seq:
                continue
            if known is None or known.seq < p.presence_pruned:
                found = (await conn.execute(select(P.c.visitor_id).where(
                    P.c.member_id == p.member_id, P.c.present.is_(True)))).scalars()
                self.peers[p.member_id] = PeerSet(p.presence_seq, set(found))
                self.reloads += 1
                continue
            for r in (await conn.execute(select(P.c.visitor_id, P.c.present).where(
                    P.c.member_id == p.member_id, P.c.seq > known.seq))).all():
                (known.visitors.add if r.present else known.visitors.discard)(r.visitor_id)
            known.seq = p.presence_seq

