"""Seed long transcripts fast: conversations are opened through the real API (so every row the
server keeps about them is right), then their messages are bulk-inserted with plain SQL into the
same schema, seq numbers continuing after what the API wrote. Seeding only: never used to judge."""
from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

WORDS = ("order parcel delivery size jacket refund tracking number colour stock warehouse return "
         "label invoice discount code shipping Monday tomorrow thanks please exactly week box").split()


def body(rng: random.Random, i: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 30))) + f" #{i}"


def add_messages(db: Path, cid: int, visitor_id: str, visitor_name: str, operator_id: int,
                 operator_name: str, n: int, last_body: str, seed: int = 7) -> None:
    """Append n messages (visitor and operator in turns, the last one `last_body`)."""
    rng = random.Random(seed + cid)
    con = sqlite3.connect(db, timeout=30, isolation_level=None)
    try:
        con.execute("PRAGMA busy_timeout=30000")
        con.execute("BEGIN IMMEDIATE")
        (last_seq,) = con.execute("SELECT last_seq FROM conversations WHERE id = ?", (cid,)).fetchone()
        start_ts = time.time() - n * 20
        rows = []
        for i in range(n):
            visitor_turn = rng.random() < 0.5
            rows.append((cid, last_seq + 1 + i,
                         f"v:{visitor_id}" if visitor_turn else f"o:{operator_id}",
                         "visitor" if visitor_turn else "operator",
                         None if visitor_turn else operator_id,
                         visitor_name if visitor_turn else operator_name,
                         "text", last_body if i == n - 1 else body(rng, i), start_ts + i * 20))
        con.executemany(
            "INSERT INTO messages (conversation_id, seq, client_msg_id, author_key, author_type, author_id,"
            " author_name, kind, body, ts) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.execute("UPDATE conversations SET last_seq = ? WHERE id = ?", (last_seq + n, cid))
        con.execute("COMMIT")
    finally:
        con.close()


def visitor_of(db: Path, cid: int) -> str:
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute("SELECT visitor_id FROM conversations WHERE id = ?", (cid,)).fetchone()[0]
    finally:
        con.close()
