"""Postgres only (`--db-engine=postgres`): what the second engine adds beyond passing the same
suite. Transcript search through tsvector and its GIN index; event ids dense and in commit order
with two server processes writing to one database at once, watched by a reader that tails the
events table the way a cross-process fan-out would; a rolled-back write leaves no hole."""
from __future__ import annotations

import asyncio
import itertools
import time

import asyncpg
import pytest
from sqlalchemy.dialects import postgresql

from chatdesk.protocol import events as ev
from chatdesk.server.eventlog.hub import Hub
from chatdesk.server.eventlog.log import Store
from chatdesk.server.services import transcript_search
from chatdesk.server.storage.engine import open_database
from chatdesk.server.storage.migrations import LATEST
from tests.support import postgres
from tests.support.api import Operator, operators
from tests.support.chats import closed_chat
from tests.support.live_server import LiveServer
from tests.support.visitor import Visitor

pytestmark = pytest.mark.postgres_only


async def test_transcript_search_uses_tsvector_and_its_index(server):
    (lead,) = await operators(server, "lead", role="supervisor")
    (ana,) = await operators(server, "ana")
    _, bird = await closed_chat(server, ana, "Archaeopteryx feathers from Łódź")
    _, kettle = await closed_chat(server, ana, "a plain kettle")

    def ids(r):
        return [t["conversation"]["id"] for t in r["transcripts"]]

    assert ids(await lead.ok("GET", "/transcripts?q=archaeo")) == [bird]           # a prefix, any case
    assert ids(await lead.ok("GET", "/transcripts?q=FEATH%20archae")) == [bird]    # every word, any order
    assert ids(await lead.ok("GET", "/transcripts?q=%C5%82%C3%B3d")) == [bird]     # "łód": Unicode words
    assert ids(await lead.ok("GET", "/transcripts?q=archaeo%20kettle")) == []      # both words, in one chat
    assert ids(await lead.ok("GET", "/transcripts?q=kett")) == [kettle]
    # tsquery syntax in the input is inert: quotes, &, |, !, :*, brackets
    assert ids(await lead.ok("GET", "/transcripts?q=%27%29%3A%2A%7C%21%28")) == []
    assert ids(await lead.ok("GET", "/transcripts?q=kettle%27%20%7C%20%27archaeo")) == []
    found = await lead.ok("GET", "/transcripts?q=archaeopteryx")
    assert "Archaeopteryx" in found["transcripts"][0]["snippet"]

    # The statement the server runs is answered from the GIN index over to_tsvector(body).
    hits = transcript_search.matching_messages("postgresql", "archaeo feath")
    sql = str(hits.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    conn = await asyncpg.connect(server.db_url)
    try:
        await conn.execute("SET enable_seqscan = off")
        plan = "\n".join(r[0] for r in await conn.fetch("EXPLAIN " + sql))
    finally:
        await conn.close()
    assert "ix_messages_body_search" in plan, plan


async def tail_events(url: str, stop: asyncio.Event) -> tuple[list[int], int]:
    """Read the events table from the newest id seen, as a fan-out tailing it would, until `stop`;
    every read must continue exactly where the last one ended (no hole that fills later).
    Returns the ids in the order they were read and how many reads found new rows."""
    conn = await asyncpg.connect(url)
    seen: list[int] = []
    growing = 0
    try:
        while True:
            stopping = stop.is_set()
            rows = await conn.fetch("SELECT event_id FROM events WHERE event_id > $1 ORDER BY event_id",
                                    seen[-1] if seen else 0)
            got = [r[0] for r in rows]
            if got:
                growing += 1
                start = seen[-1] + 1 if seen else got[0]
                assert got == list(range(start, start + len(got))), \
                    f"after {seen[-1] if seen else 0} the reader saw {got[:10]}: a hole"
                seen.extend(got)
            if stopping:
                return seen, growing
            await asyncio.sleep(0)
    finally:
        await conn.close()


async def test_two_server_processes_write_dense_commit_ordered_event_ids(tmp_path):
    url = postgres.fresh_database()
    first = LiveServer(tmp_path / "first.db", db_url=url).start()
    second = LiveServer(tmp_path / "second.db", db_url=url, extra_args=["--visitor-timeout", "100000"]).start()
    try:
        stop = asyncio.Event()
        tail = asyncio.create_task(tail_events(url, stop))

        async def chatter(srv: LiveServer, n: int) -> tuple[int, list[int]]:
            v = await Visitor(srv).arrive()
            try:
                cid = await v.start_chat(f"visitor {n} asks")
                for i in range(12):
                    await v.say(f"line {i} from visitor {n}")
                return cid, [m["seq"] for m in await v.transcript()]
            finally:
                await v.close()

        started = time.monotonic()
        chats = await asyncio.gather(*(chatter(first if n % 2 else second, n) for n in range(16)))
        stop.set()
        seen, growing = await tail
        elapsed = time.monotonic() - started

        conn = await asyncpg.connect(url)
        try:
            stored = [r[0] for r in await conn.fetch("SELECT event_id FROM events ORDER BY event_id")]
            counter = await conn.fetchval("SELECT value FROM event_counter")
            by_conversation = await conn.fetch(
                "SELECT conversation_id FROM events WHERE conversation_id IS NOT NULL ORDER BY event_id")
        finally:
            await conn.close()
        assert stored == list(range(1, len(stored) + 1)), "event ids are dense from 1"
        assert counter == len(stored)
        assert seen == stored, "the tailing reader saw every id once, in order"
        assert growing > 5, f"the reader ran alongside the writers ({growing} reads found rows in {elapsed:.1f}s)"
        # Both processes wrote at once: their chats' events interleave in the one order.
        odd = {cid for cid, _ in chats[1::2]}
        even = {cid for cid, _ in chats[0::2]}
        order = [r[0] for r in by_conversation]
        switches = sum(1 for a, b in itertools.pairwise(order) if (a in odd) != (b in odd) and {a, b} <= odd | even)
        assert switches > 2, "the two servers' writes interleaved"
        for cid, seqs in chats:            # and each chat's seq stays gap-free, as on SQLite
            assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), (cid, seqs)
    finally:
        first.stop()
        second.stop()


async def test_a_rolled_back_write_leaves_no_hole_in_event_ids():
    db = open_database(postgres.fresh_database(), pool_size=2)
    store = Store(db, Hub())
    try:
        async with store.tx() as tx:
            kept = await tx.emit(ev.OPERATOR_UPDATED, {"n": 1}, all_operators=True)
        with pytest.raises(RuntimeError):
            async with store.tx() as tx:
                await tx.emit(ev.OPERATOR_UPDATED, {"n": 2}, all_operators=True)
                raise RuntimeError("the write fails after its event")
        async with store.tx() as tx:
            after = await tx.emit(ev.OPERATOR_UPDATED, {"n": 3}, all_operators=True)
        assert after.event_id == kept.event_id + 1
        assert await store.log_bounds() == (kept.event_id, after.event_id)
    finally:
        await db.close()


async def test_database_is_versioned_and_keeps_only_hashes(server):
    """The Postgres twin of test_durability's SQLite check: the schema at LATEST, the counter row,
    scrypt password hashes and token hashes only."""
    conn = await asyncpg.connect(server.db_url)
    try:
        assert [r[0] for r in await conn.fetch("SELECT version FROM schema_version")] == [LATEST]
        assert await conn.fetchval("SELECT count(*) FROM event_counter") == 1
        assert await conn.fetchval("SELECT count(*) FROM operator_tokens") == 0
        await Operator.create(server, "ana@example.com")
        stored = await conn.fetchval("SELECT password_hash FROM operators")
        token_hash = await conn.fetchval("SELECT token_hash FROM operator_tokens")
        kinds = dict(await conn.fetch("SELECT column_name, data_type FROM information_schema.columns "
                                      "WHERE table_name = 'conversations'"))
    finally:
        await conn.close()
    assert stored.startswith("scrypt$") and "secret-pass-1" not in stored
    assert len(token_hash) == 64
    assert kinds["id"] == "bigint" and kinds["tags"] == "json" and kinds["queued_at"] == "double precision"


async def test_two_servers_starting_on_an_empty_database_migrate_it_once(tmp_path):
    """The migration runner on Postgres: two processes start on an empty database at once; the
    write lock makes one migrate and the other find the work done; both serve."""
    url = postgres.cluster().empty_database()
    servers = [LiveServer(tmp_path / f"{n}.db", db_url=url) for n in ("first", "second")]
    await asyncio.gather(*(asyncio.to_thread(s.start) for s in servers))
    try:
        ops = [await Operator.create(s, f"op{i}@example.com") for i, s in enumerate(servers)]
        v = await Visitor(servers[0]).arrive()
        cid = await v.start_chat("hello from an empty database")
        assert (await ops[1].accept(cid)).status_code == 200        # the other process sees it
        conn = await asyncpg.connect(url)
        try:
            assert [r[0] for r in await conn.fetch("SELECT version FROM schema_version")] == [LATEST]
            assert await conn.fetchval("SELECT count(*) FROM departments") == 3     # seeded once
            assert await conn.fetchval("SELECT count(*) FROM canned_replies") == 4
            assert await conn.fetchval("SELECT value FROM event_counter") == \
                await conn.fetchval("SELECT max(event_id) FROM events")
        finally:
            await conn.close()
        await v.close()
    finally:
        for s in servers:
            s.stop()
