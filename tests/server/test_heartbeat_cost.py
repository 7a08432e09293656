"""What one heartbeat costs the database, counted on the real server app over real HTTP
(support/counted_server.py): a crowd beats every 10 s, so a beat that no rule answers is one read
and no write; the rules come from memory and are read again only after a rule changed, and the
decision follows the change at once. A beat that changes nothing sends the desks nothing."""
from __future__ import annotations

import pytest

from chatdesk.server.services import browsing, visitor_side
from tests.support.api import Operator
from tests.support.counted_server import CountedServer
from tests.support.inprocess import Site
from tests.support.visitor import Visitor

pytestmark = pytest.mark.sqlite_only("counts the statements of an in-process server on its SQLite file; the same "
                                     "beats run on Postgres in test_openers_decide.py")

BEAT = "/api/v1/visitor/heartbeat"
RULES = [  # the bench's rules (bench/heartbeats.py): none holds for a first visit without a cart
    {"name": "Product, second visit", "conditions": {"url_pattern": "*/p/*", "min_page_seconds": 20, "min_visits": 2},
     "texts": {"en": "Back again?"}},
    {"name": "Full cart", "conditions": {"min_cart_value": 200}, "texts": {"en": "Free shipping over 200!"}},
    {"name": "From the newsletter", "conditions": {"utm_source": "newsletter"}, "texts": {"en": "Welcome, reader!"}},
]


@pytest.fixture
def counted(tmp_path):
    srv = CountedServer(tmp_path / "chat.db", browsing_idle=60.0).start()
    yield srv
    srv.stop()


async def beat(srv: CountedServer, visitor: Visitor, body: dict | None = None) -> tuple[dict, list[str], list[str]]:
    with srv.statements(BEAT) as seen:
        answer = await visitor.call("POST", "/visitor/heartbeat", body or {})
    return answer, seen.reads, seen.writes


async def test_a_beat_no_rule_answers_is_one_read_and_no_write(counted):
    sup = await Operator.create(counted, "sup@example.com", role="supervisor")
    op = await Operator.create(counted, "ana@example.com")
    await op.status("online")                        # so every rule runs to its end
    for rule in RULES:
        await sup.ok("POST", "/openers/rules", rule)
    visitor = await Visitor(counted).arrive("https://shop.test/p/1", "Boots")
    try:
        answer, reads, writes = await beat(counted, visitor, {"language": "en"})
        assert answer["invite"] is None
        assert len(writes) == 1                      # the page's language, new
        _, reads, writes = await beat(counted, visitor, {"language": "en"})
        assert (len(reads), writes) == (1, [])       # the same language again: nothing to write
        for _ in range(3):
            answer, reads, writes = await beat(counted, visitor)
            assert answer["invite"] is None and answer["check_in"] is None
            assert (len(reads), writes) == (1, []), reads
    finally:
        await visitor.close()
        await sup.close()
        await op.close()


async def test_a_rule_change_is_read_once_and_decides_the_next_beat(counted):
    sup = await Operator.create(counted, "sup@example.com", role="supervisor")
    op = await Operator.create(counted, "ana@example.com")
    await op.status("online")
    paused = await sup.ok("POST", "/openers/rules", {"name": "Any product", "enabled": False, "control_percent": 0,
                                                     "conditions": {"url_pattern": "*/p/*"},
                                                     "texts": {"en": "Need a hand with {page.title}?"}})
    visitor = await Visitor(counted).arrive("https://shop.test/p/1", "Boots")
    try:
        await beat(counted, visitor)                 # the first beat reads the rules
        answer, reads, _ = await beat(counted, visitor)
        assert answer["invite"] is None and len(reads) == 1

        await sup.ok("PATCH", f"/openers/rules/{paused['id']}", {"enabled": True})
        answer, reads, writes = await beat(counted, visitor)
        assert answer["invite"] is not None and answer["invite"]["body"] == "Need a hand with Boots?"
        assert sum("opener_rules" in s for s in reads) == 1     # read again once, after the change
        assert any(s.lstrip().upper().startswith("INSERT INTO INVITATIONS") for s in writes)

        again, reads, writes = await beat(counted, visitor)
        assert again["invite"] == answer["invite"]   # the same invite until answered, for one read
        assert (len(reads), writes) == (1, [])
    finally:
        await visitor.close()
        await sup.close()
        await op.close()


async def test_a_beat_that_changes_nothing_sends_no_row_to_the_desks(tmp_path):
    async with Site(tmp_path / "chat.db", browsing_idle=60.0) as site:
        s = await visitor_side.start_session(site.ctx, visitor_id=None, url="https://shop.test/p/1",
                                             title="Boots", referrer="")
        vid, feed = s["visitor_id"], browsing.Feed()
        first = await feed.batch(site.ctx)
        assert first is not None and [v["id"] for v in first["visitors"]] == [vid]
        for _ in range(3):
            site.clock.advance(10)
            browsing.still_here(site.ctx, vid)
            assert await feed.batch(site.ctx) is None          # still here: nothing for the desks
        site.clock.advance(61)
        gone = await feed.batch(site.ctx)
        assert gone is not None and gone["gone"] == [vid]
        browsing.still_here(site.ctx, vid)                     # back after going quiet: the row again
        back = await feed.batch(site.ctx)
        assert back is not None and [v["id"] for v in back["visitors"]] == [vid] and back["gone"] == []
