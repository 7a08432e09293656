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

The same rows say who is on the site for the desks' Visitors list (services/browsing.py): a
member writes a row for every visitor it counts as on the site (a stream open here, or a page
view, heartbeat or stream frame within --browsing-idle), with `seen_at`, the visitor's last
activity here, refreshed only when it moved by seen_step() or more, so a visitor beating every 10 s
costs a row every step (30 s), not every beat. A visitor going quiet past the idle time gets a
closed row (present false, seen_at NULL) at the next beat. `on_site_elsewhere()` and
`last_seen(vid)` answer from memory, the same on every process once the beats have passed: the
last activity a desk sees is each member's reported value, this process's own included.

A process without --cluster has no Presence: the hub's own streams are the whole truth."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, or_, select, update

from ..eventlog.hub import Hub
from ..storage import schema
from ..storage.db import AnyConn

P, M = schema.visitor_presence, schema.cluster_members
TOMBSTONE_KEEP = 30.0      # seconds a closed stream's row stays for peers reading changes only
CHUNK = 500
Here = tuple[bool, float | None]     # (a stream open, the last activity reported) for one visitor


@dataclass
class PeerSet:
    seq: int = 0
    visitors: set[str] = field(default_factory=set)            # a stream open there
    on_site: dict[str, float | None] = field(default_factory=dict)   # on the site there -> seen_at


def seen_step(idle: float) -> float:
    """How far a visitor's reported last activity may trail the real one: half the idle time
    (30 s with the default 60), so a peer's answer stays well inside "on the site"."""
    return max(1.0, idle / 2)


class Presence:
    def __init__(self, hub: Hub, member_id: str, activity: dict[str, float] | None = None,
                 idle: float = 60.0):
        self.hub, self.member_id = hub, member_id
        self.activity = {} if activity is None else activity   # ServerContext.visitor_activity
        self.idle, self.step = idle, seen_step(idle)
        self.seq = 0                 # our newest change number
        self.pruned = 0              # our closed rows up to this change are removed
        self.row: tuple[int, int] | None = (0, 0)   # (presence_seq, presence_pruned) in our member row
        self._unsure = False
        self.written: dict[str, Here] = {}  # the visitors our rows say are on the site here
        self.history: deque[tuple[float, int]] = deque()   # (when, seq): what may be pruned when
        self.peers: dict[str, PeerSet] = {}
        self.reloads = 0             # full reads of a peer's set (a new peer, or one we fell behind)

    def connected(self, visitor_id: str) -> bool:
        """Has a stream open on a live peer (this process's own streams are the hub's)."""
        return any(visitor_id in peer.visitors for peer in self.peers.values())

    def on_site_elsewhere(self) -> set[str]:
        """The visitors a live peer counts as on the site."""
        found: set[str] = set()
        for peer in self.peers.values():
            found |= peer.on_site.keys()
        return found

    def last_seen(self, visitor_id: str, now: float) -> float | None:
        """The newest last activity a live member reports (ours as our next beat will write it)."""
        seen = [peer.on_site.get(visitor_id) for peer in self.peers.values()]
        if visitor_id in self.hub.visitor_streams or self.activity.get(visitor_id, -1e18) >= now - self.idle:
            seen.append(self._seen(visitor_id))
        return max((t for t in seen if t is not None), default=None)

    def _seen(self, vid: str) -> float | None:
        """The last activity our row reports: refreshed once it moved by a step."""
        t, before = self.activity.get(vid), self.written.get(vid)
        if before is None or before[1] is None or (t is not None and t - before[1] >= self.step):
            return t
        return before[1]

    def _here(self, now: float) -> dict[str, Here]:
        """What our rows should say now: every visitor on the site here, with a stream or not."""
        streams, cutoff, step, before_of = self.hub.visitor_streams, now - self.idle, self.step, self.written.get
        here: dict[str, Here] = {}
        for vid, t in self.activity.items():      # _seen's rule, inline: this runs every beat
            stream = vid in streams
            if t < cutoff and not stream:
                continue
            before = before_of(vid)
            if before is None or before[1] is None or t - before[1] >= step:
                here[vid] = (stream, t)
            else:
                here[vid] = before if before[0] == stream else (stream, before[1])
        for vid in streams.keys() - here.keys():  # a stream, no activity known: what we wrote stays
            before = before_of(vid)
            here[vid] = before if before is not None and before[0] else (True, before and before[1])
        return here

    # --- writing, in the heartbeat's write transaction -------------------------------------------
    def unsure(self) -> None:
        """The heartbeat's transaction failed after `write`: what our rows hold is not known."""
        self._unsure = True

    async def _start_over(self, conn: AnyConn) -> None:
        """Our rows may not be what we think (our member row was removed as stale after a stall
        and the remover took our rows too, or a heartbeat failed): remove them and write the
        whole set again; peers read us whole (pruned moves past anything they know)."""
        await conn.execute(delete(P).where(P.c.member_id == self.member_id))
        self.written = {}
        self.seq += 1
        self.pruned = self.seq
        self.row = None
        self.history.clear()
        self._unsure = False

    async def write(self, conn: AnyConn, now: float, *, rejoined: bool = False) -> None:
        """rejoined: our member row was just written afresh (members.Membership.beat)."""
        if self._unsure or (rejoined and self.seq):
            await self._start_over(conn)
        here = self._here(now)
        written = self.written
        closed = written.keys() - here.keys()
        changed = sorted(closed | {vid for vid, h in here.items() if written.get(vid) != h})
        if changed:
            self.seq += 1
            for i in range(0, len(changed), CHUNK):
                await conn.execute(delete(P).where(P.c.member_id == self.member_id,
                                                   P.c.visitor_id.in_(changed[i:i + CHUNK])))
            gone: Here = (False, None)
            await conn.execute(insert(P), [
                {"member_id": self.member_id, "visitor_id": vid, "seq": self.seq, "present": h[0],
                 "seen_at": h[1], "changed_at": now} for vid in changed for h in (here.get(vid, gone),)])
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
                                               P.c.seen_at.is_(None), P.c.seq <= upto))
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
                known = self.peers[p.member_id] = PeerSet(p.presence_seq)
                found = (await conn.execute(select(P.c.visitor_id, P.c.present, P.c.seen_at).where(
                    P.c.member_id == p.member_id, or_(P.c.present.is_(True), P.c.seen_at.is_not(None))))).all()
                self.reloads += 1
            else:
                found = (await conn.execute(select(P.c.visitor_id, P.c.present, P.c.seen_at).where(
                    P.c.member_id == p.member_id, P.c.seq > known.seq))).all()
            for r in found:
                (known.visitors.add if r.present else known.visitors.discard)(r.visitor_id)
                if r.present or r.seen_at is not None:
                    known.on_site[r.visitor_id] = r.seen_at
                else:
                    known.on_site.pop(r.visitor_id, None)
            known.seq = p.presence_seq
