"""`uv run python -m bench.copy_db [--chats N] [--messages M] [--postgres URL]`: how long
`chatdesk copy-db` takes for a shop of a given size. An SQLite file is migrated and filled with
plain SQL (N closed chats of M messages, one event per message; seeding only), then copied in
this process with the command's own code into an empty database (without --postgres a throwaway
cluster from the tests' helper). Prints rows, seconds and rows per second; figures in
docs/performance.md, "Moving to Postgres"."""
from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import tempfile
import time
from pathlib import Path

from tests.support.migration import migrate_file

from bench.seed import body
from chatdesk.server.storage.copy_database import copy_database


def fill(path: Path, chats: int, messages: int) -> None:
    import random
    rng = random.Random(7)
    migrate_file(path)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    now = time.time()
    con.execute("INSERT INTO operators (id, email, name, role, password_hash, status, max_chats, departments, "
                "novice, approval_required, last_assigned_at, created_at) "
                "VALUES (1, 'ana@shop.test', 'Ana', 'operator', 'x', 'offline', 4, '[]', 0, 0, 0, ?)", (now,))
    event = 0
    for c in range(1, chats + 1):
        vid = f"v{c}"
        con.execute("INSERT INTO visitors (id, name, email, phone, first_seen, last_seen, visit_count, "
                    "visit_started_at, current_url, current_title, referrer) "
                    "VALUES (?, 'Rita', '', '', ?, ?, 1, ?, '', '', '')", (vid, now, now, now))
        con.execute("INSERT INTO conversations (id, visitor_id, state, operator_id, tags, summary, queued_at, "
                    "closed_at, last_seq, auto_assigned, answered, skip_operators, rating_comment) "
                    "VALUES (?, ?, 'closed', 1, '[]', '', ?, ?, ?, 0, 1, '[]', '')", (c, vid, now, now, messages))
        rows, events = [], []
        for seq in range(1, messages + 1):
            event += 1
            visitor = seq % 2 == 1
            text = body(rng, seq)
            rows.append((c, seq, f"v:{vid}" if visitor else "o:1", "visitor" if visitor else "operator",
                         None if visitor else 1, "Rita" if visitor else "Ana", text, now))
            events.append((event, c, seq, now, json.dumps({"body": text})))
        con.executemany("INSERT INTO messages (conversation_id, seq, author_key, author_type, author_id, "
                        "author_name, kind, body, ts) VALUES (?, ?, ?, ?, ?, ?, 'text', ?, ?)", rows)
        con.executemany("INSERT INTO events (event_id, type, conversation_id, seq, ts, data, all_operators) "
                        "VALUES (?, 'message.created', ?, ?, ?, ?, 1)", events)
    con.execute("COMMIT")
    con.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.copy_db", description=__doc__)
    p.add_argument("--chats", type=int, default=2000)
    p.add_argument("--messages", type=int, default=50, help="messages per chat")
    p.add_argument("--postgres", default=None, help="an empty database's postgresql:// URL (default: a throwaway cluster)")
    args = p.parse_args(argv)
    cluster = None
    url = args.postgres
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shop.db"
        fill(path, args.chats, args.messages)
        try:
            if url is None:
                from tests.support.postgres import PostgresCluster
                cluster = PostgresCluster().start()
                url = cluster.empty_database()
            report = asyncio.run(copy_database(path, url))
        finally:
            if cluster is not None:
                cluster.stop()
        rows = sum(report.counts.values())
        print(f"file {path.stat().st_size / 1e6:.1f} MB, {args.chats} chats x {args.messages} messages: "
              f"{rows} rows copied in {report.seconds:.1f} s, {rows / report.seconds:,.0f} rows/s "
              f"(messages {report.counts['messages']}, events {report.counts['events']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
