"""A shop moves from SQLite to Postgres with `chatdesk copy-db` (the real command) and carries on:
seeded over the real server's HTTP API on an SQLite file, copied while that server runs (refused)
and after it stopped, then served from Postgres by the real server and checked over HTTP and
websockets: the same password logs in and the old tokens still work, the desk resumes after the
newest event it saw with nothing missing or repeated, transcript search finds a copied message,
every id sequence and the event counter are past the copied ids, new rows get the next ids,
and every table's rows arrived."""
from __future__ import annotations

import asyncio

import pytest

from chatdesk.server.storage import schema
from chatdesk.server.storage.copy_plan import SKIPPED
from tests.support import postgres
from tests.support.api import Api, Operator, new_id
from tests.support.chats import active_chat, closed_chat
from tests.support.copy_db import reported_counts, run_copy, sqlite_counts, sqlite_value
from tests.support.live_server import LiveServer
from tests.support.stream import Stream
from tests.support.visitor import Visitor

pytestmark = pytest.mark.skipif(not postgres.available(), reason="needs Debian's postgresql")

RULE = {"name": "Boots help", "conditions": {"url_pattern": "*/product/*"}, "control_percent": 0,
        "texts": {"en": "Questions about {page.title}?"}}
# Tables the seeding below must have put rows in, so the test shows each of them arriving.
SEEDED = ("operators", "operator_tokens", "visitors", "visitor_tokens", "pageviews", "visitor_notes",
          "conversations", "messages", "events", "opener_rules", "invitations", "orders", "departments",
          "canned_replies", "server_keys", "visitor_browsing")


async def seed(shop: LiveServer) -> dict:
    """A small shop over the real API; returns what the checks after the move need."""
    sam = await Operator.create(shop, "sam@example.com", role="supervisor")
    ana = await Operator.create(shop, "ana@example.com")
    await ana.status("online")
    rule = await sam.ok("POST", "/openers/rules", RULE)
    browser = await Visitor(shop).arrive()
    answer = await browser.call("POST", "/visitor/pageviews", {"url": "https://shop.test/product/boots", "title": "Boots"})
    assert answer["invite"] is not None
    buyer, closed = await closed_chat(shop, ana, "Archaeopteryx feathers")
    await buyer.call("POST", "/visitor/events", {"type": "order", "id": "T-100", "value": 249.0, "currency": "EUR"})
    chatting, open_cid = await active_chat(shop, ana, "Do the boots run small?")
    await ana.say(open_cid, "They run half a size small.")
    await ana.ok("POST", f"/visitors/{chatting.id}/notes", {"body": "prefers e-mail"})
    desk = await Stream.open(shop, token=ana.token, after=0)      # the desk as it last saw the log
    await desk.close()
    return {"sam": sam, "ana": ana, "rule": rule, "closed": closed, "open_cid": open_cid,
            "visitor_token": chatting.token, "desk": desk}


async def test_a_shop_moves_from_sqlite_to_postgres_and_carries_on(tmp_path, postgres_url):
    path = tmp_path / "shop.db"
    shop = LiveServer(path, db_url="").start()
    try:
        seeded = await seed(shop)
        busy = await asyncio.to_thread(run_copy, path, postgres_url)
        assert busy.returncode == 2 and "open in another process" in busy.stderr, busy
    finally:
        shop.stop()
    for s in ("sam", "ana"):
        await seeded[s].close()

    copied = await asyncio.to_thread(run_copy, path, postgres_url)
    assert copied.returncode == 0, copied.stderr
    counts = reported_counts(copied.stdout)
    assert counts == sqlite_counts(path)
    assert set(counts) | set(SKIPPED) == set(schema.metadata.tables) and not set(counts) & set(SKIPPED)
    assert all(counts[t] > 0 for t in SEEDED), {t: counts[t] for t in SEEDED}
    again = await asyncio.to_thread(run_copy, path, postgres_url)
    assert again.returncode == 2 and "is not empty" in again.stderr, again
    following = await next_ids(postgres_url)
    assert ("messages", "id") in following and ("operators", "id") in following
    assert {k: v for k, v in following.items() if v[1] != v[0] + 1} == {}    # each next id: the largest + 1

    ana, sam, desk_before = seeded["ana"], seeded["sam"], seeded["desk"]
    seen = desk_before.resume_answer["event_id"]
    newest_message = sqlite_value(path, "SELECT max(id) FROM messages")
    pg = LiveServer(path, db_url=postgres_url, name="pg").start()
    try:
        assert pg.login(ana.email)                                       # the same password
        same_ana, same_sam = Operator(pg, ana.token, "Ana"), Operator(pg, sam.token, "Sam")   # old tokens
        assert (await same_ana.ok("GET", "/me"))["id"] == ana.id

        # The desk resumes after the newest event it saw on SQLite: nothing replayed, nothing missing.
        desk = await Stream.open(pg, token=ana.token, after=seen)
        assert desk.resume_answer == {"type": "resumed", "event_id": seen} and desk.events() == []
        # and from a few events back it gets those same events again, as SQLite sent them
        earlier = await Stream.open(pg, token=ana.token, after=seen - 3)
        assert earlier.events() == [f for f in desk_before.events() if f["event_id"] > seen - 3]
        await earlier.close()

        said = await same_ana.say(seeded["open_cid"], "Your size is in stock.")
        assert said["id"] == newest_message + 1
        created = await desk.event("message.created", seeded["open_cid"])
        assert created["event_id"] == seen + 1 and created["data"]["id"] == said["id"]
        visitor = Api(pg, seeded["visitor_token"])                        # the widget's old token too
        reply = await visitor.ok("POST", f"/visitor/conversations/{seeded['open_cid']}/messages",
                                 {"client_msg_id": new_id(), "body": "Thanks!"})
        assert reply["id"] == newest_message + 2
        assert (await desk.event("message.created", seeded["open_cid"]))["event_id"] == seen + 2
        await desk.close()
        await visitor.close()

        found = await same_sam.ok("GET", "/transcripts?q=archaeo")
        assert [t["conversation"]["id"] for t in found["transcripts"]] == [seeded["closed"]]
        assert found["transcripts"][0]["orders"] == 1
        rules = (await same_sam.ok("GET", "/openers/rules"))["rules"]
        assert [r["id"] for r in rules] == [seeded["rule"]["id"]]
        second = await same_sam.ok("POST", "/openers/rules", {**RULE, "name": "Second"})
        assert second["id"] == seeded["rule"]["id"] + 1
        await same_ana.close()
        await same_sam.close()
    finally:
        pg.stop()



async def next_ids(url: str) -> dict[tuple[str, str], tuple[int, int]]:
    """Generic over the schema: for each id sequence Postgres has, its column's largest id and the
    id the sequence hands out next (read without taking it); the event counter's; and whether
    the text-search index is there (1, 2)."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        owned = await conn.fetch(
            "SELECT s.oid::regclass::text AS seq, t.relname AS tbl, a.attname AS col FROM pg_class s "
            "JOIN pg_depend d ON d.objid = s.oid AND d.deptype = 'a' JOIN pg_class t ON t.oid = d.refobjid "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid WHERE s.relkind = 'S'")
        found = {}
        for row in owned:
            largest = await conn.fetchval(f'SELECT coalesce(max("{row["col"]}"), 0) FROM "{row["tbl"]}"')
            value, called = await conn.fetchrow(f"SELECT last_value, is_called FROM {row['seq']}")
            found[(row["tbl"], row["col"])] = (largest, value + 1 if called else value)
        found[("event_counter", "value")] = (await conn.fetchval("SELECT max(event_id) FROM events"),
                                             await conn.fetchval("SELECT value FROM event_counter") + 1)
        found[("text search", "index")] = (1, len(await conn.fetch(
            "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = 'ix_messages_body_search' AND i.indisvalid")) + 1)
        return found
    finally:
        await conn.close()
