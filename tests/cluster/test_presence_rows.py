"""cluster/presence.py on a real database, two members in this process with their own hubs and a
clock the test gives: a peer that reads only what changed still ends with the right set when it
fell behind past the closed rows' removal, when the other member was removed as stale and came
back, and when a heartbeat's transaction failed after writing."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import NamedTuple

import pytest

from chatdesk.server.cluster.members import Membership, live_peers
from chatdesk.server.cluster.presence import TOMBSTONE_KEEP, Presence
from chatdesk.server.eventlog.hub import Hub, Subscriber
from chatdesk.server.storage.engine import open_database
from chatdesk.server.storage.migrations import migrate_async
from tests.support import postgres


@dataclass
class Member:
    """What cluster/node.py's heartbeat does with membership and presence, at a given time."""
    db: object
    hub: Hub
    membership: Membership
    presence: Presence

    @classmethod
    def new(cls, db, port: int) -> "Member":
        hub = Hub()
        membership = Membership("127.0.0.1", port)
        return cls(db, hub, membership, Presence(hub, membership.member_id))

    async def beat(self, now: float) -> None:
        async with self.db.write() as conn:
            rejoined = await self.membership.beat(conn, now)
            await self.presence.write(conn, now, rejoined=rejoined)
        async with self.db.read() as conn:
            await self.presence.follow(conn, await live_peers(conn, self.membership.member_id, now))

    def opens(self, vid: str) -> Subscriber:
        sub = Subscriber(accepts=lambda row: False, visitor_id=vid)
        self.hub.subscribe(sub)
        return sub

    def sees(self, *vids: str) -> set[str]:
        return {v for v in vids if self.presence.connected(v)}


@pytest.fixture
async def db(tmp_path):
    database = open_database(postgres.fresh_database() if postgres.on_postgres() else tmp_path / "chat.db")
    await migrate_async(database)
    yield database
    await database.close()


ALL = ("v1", "v2", "v3", "v4")


class Pair(NamedTuple):
    a: Member
    b: Member
    v1: Subscriber          # a's stream of v1 (a holds one of v2 too)
    t: float                # when both first beat


@pytest.fixture
async def pair(db) -> Pair:
    """Members a and b; a holds streams of v1 and v2; both beat once at t, so b knows a's set."""
    a, b = Member.new(db, 1), Member.new(db, 2)
    t = time.time()
    v1, _ = a.opens("v1"), a.opens("v2")
    await a.beat(t)
    await b.beat(t)
    assert b.sees(*ALL) == {"v1", "v2"}
    return Pair(a, b, v1, t)


async def test_a_peer_behind_the_removed_closed_rows_reads_the_set_whole(pair):
    a, b, v1, t = pair
    assert b.presence.reloads == 1
    a.hub.unsubscribe(v1)
    await a.beat(t + 1)                       # v1's closed row is written; b does not read it
    await a.beat(t + TOMBSTONE_KEEP + 2)      # ... and it is removed
    await b.beat(t + TOMBSTONE_KEEP + 2)
    assert b.sees(*ALL) == {"v2"} and b.presence.reloads == 2
    a.opens("v3")
    await a.beat(t + TOMBSTONE_KEEP + 3)
    await b.beat(t + TOMBSTONE_KEEP + 3)
    assert b.sees(*ALL) == {"v2", "v3"} and b.presence.reloads == 2   # only what changed


async def test_a_member_removed_as_stale_comes_back_whole(pair):
    a, b, v1, t = pair
    await b.beat(t + 10)                      # a stalled: b removes its member row and its rows
    assert b.sees(*ALL) == set()
    a.hub.unsubscribe(v1)
    a.opens("v3")
    await a.beat(t + 10.5)                    # a's next beat finds its row gone and starts over
    await b.beat(t + 11)
    assert b.sees(*ALL) == {"v2", "v3"}


async def test_after_a_failed_heartbeat_the_rows_are_written_again(db, pair):
    a, b, v1, t = pair
    a.hub.unsubscribe(v1)
    with pytest.raises(RuntimeError):
        async with db.write() as conn:
            await a.presence.write(conn, t + 1)
            raise RuntimeError("the commit failed")      # rolled back: v1's closing was never stored
    a.presence.unsure()                                  # what node.py does when the beat fails
    await a.beat(t + 2)
    await b.beat(t + 2)
    assert b.sees(*ALL) == {"v2"}


async def test_visitors_on_the_site_without_a_stream_reach_the_peer_with_their_last_activity(db):
    """The Visitors list's share: on the site by activity alone, the last activity written again
    only once it moved by a step, and a closed row once quiet past the idle time."""
    activity: dict[str, float] = {}
    hub = Hub()
    membership = Membership("127.0.0.1", 1)
    a = Member(db, hub, membership, Presence(hub, membership.member_id, activity, idle=60.0))
    b = Member.new(db, 2)
    t = time.time()
    activity["v1"] = t
    await a.beat(t)
    await b.beat(t)
    assert b.presence.on_site_elsewhere() == {"v1"} and not b.presence.connected("v1")
    assert b.presence.last_seen("v1", t) == a.presence.last_seen("v1", t) == t
    seq = a.presence.seq
    activity["v1"] = t + 10                     # a heartbeat within the step: nothing written
    await a.beat(t + 10)
    assert a.presence.seq == seq and a.presence.last_seen("v1", t + 10) == t
    activity["v1"] = t + 31                     # moved by the step (30 s): written, the peer has it
    await a.beat(t + 31)
    await b.beat(t + 31)
    assert a.presence.seq == seq + 1 and b.presence.last_seen("v1", t + 31) == t + 31
    await a.beat(t + 92)                        # quiet past the idle time: a closed row
    await b.beat(t + 92)
    assert b.presence.on_site_elsewhere() == set() and b.presence.last_seen("v1", t + 92) is None
