"""A busy, reproducible desk for snapshot tests and README screenshots.

The floor is put in through the real API (visitors browse and write, the operator accepts and
answers, a past conversation is closed with a summary). Then, with the server stopped, every time the
desk shows is rewritten to a fixed grid that keeps the order of things, so two runs draw the same
picture; the server is started again on the same file and the desk reads it like any other day.
"""
from __future__ import annotations

import sqlite3
import time
import uuid

import httpx

from chatdesk.demo.seed import CANNED

T0 = 1_763_890_000.0          # a fixed morning (2025-11-23, UTC), before any real time the floor holds
STEP = 17.0                   # seconds between two consecutive moments on the floor
OPERATOR = ("dana@floor.test", "Dana Park")

# name, referrer, pages (path, title), their lines; the operator answers after each line but the last
CHATS = [
    ("Ines Moreau", "https://www.example-search.com/?q=trail+jacket+petite",
     [("/shop/", "Home — Northwind"), ("/shop/product.html", "Trail Jacket — Northwind")],
     ["Hi again! Is the trail jacket back in XS?", "Perfect, and does it come in green?"],
     ["Welcome back, Ines! Yes, XS arrived on Monday.", "It does: forest green and slate."]),
    ("Tom Becker", "newsletter",
     [("/shop/shipping.html", "Shipping — Northwind")],
     ["My parcel hasn't arrived, order 10432.", "It was supposed to come yesterday."],
     ["One moment, I am checking that for you."]),
    ("Mei Tanaka", "https://ads.example.net/winter",
     [("/shop/product.html", "Trail Runner 2 — Northwind"), ("/shop/checkout.html", "Checkout — Northwind")],
     ["Do you ship to Norway?"], []),
]
QUEUE = [
    ("Omar Haddad", "/shop/checkout.html", "Checkout — Northwind", "The discount code doesn't work."),
    ("Lea Vogel", "/shop/product.html", "Trail Jacket — Northwind", "Is this jacket waterproof?"),
    ("", "/shop/", "Home — Northwind", "hello? anyone there"),
]
TIME_COLUMNS = {
    "pageviews": ["ts"], "messages": ["ts"], "visitor_notes": ["ts"],
    "visitors": ["first_seen", "last_seen", "visit_started_at"],
    "conversations": ["queued_at", "accepted_at", "assigned_at", "first_response_at", "closed_at"],
    "events": ["ts"],
}


def _id() -> str:
    return uuid.uuid4().hex


def _visitor(http: httpx.Client, base: str, name: str, referrer: str, pages, visitor_id: str | None = None):
    s = http.post("/api/v1/visitor/sessions", json={"visitor_id": visitor_id, "url": base + pages[0][0],
                                                     "title": pages[0][1], "referrer": referrer}).json()
    head = {"Authorization": f"Bearer {s['visitor_token']}"}
    for path, title in pages[1:]:
        http.post("/api/v1/visitor/pageviews", json={"url": base + path, "title": title}, headers=head).raise_for_status()
    return s["visitor_id"], head


def build(srv) -> str:
    """Fill a fresh server (started with --visit-gap 0.5); returns the operator's token."""
    token = srv.operator(OPERATOR[0], OPERATOR[1], max_chats=4)
    op = {"Authorization": f"Bearer {token}"}
    base = "https://northwind.example"
    with httpx.Client(base_url=srv.url, timeout=20) as http:
        def start(head, body, name=None) -> int:
            r = http.post("/api/v1/visitor/conversations", headers=head,
                          json={"client_msg_id": _id(), "body": body, "name": name or None})
            r.raise_for_status()
            return r.json()["conversation"]["id"]

        def reply(cid: int, body: str, kind: str = "text") -> None:
            http.post(f"/api/v1/conversations/{cid}/messages", headers=op,
                      json={"client_msg_id": _id(), "body": body, "kind": kind}).raise_for_status()

        existing = {c["shortcut"] for c in http.get("/api/v1/canned", headers=op).json()["canned"]}
        for shortcut, title, body, tags in CANNED:
            if shortcut not in existing:
                http.post("/api/v1/canned", headers=op, json={"shortcut": shortcut, "title": title,
                                                               "body": body, "tags": tags}).raise_for_status()

        # Ines was here before: a closed conversation with a summary, and a note.
        name, ref, pages, _, _ = CHATS[0]
        ines, head = _visitor(http, base, name, ref, pages[:1])
        old = start(head, "Does the trail jacket come in petite sizes?", name)
        http.post(f"/api/v1/conversations/{old}/accept", headers=op).raise_for_status()
        reply(old, "It does, from XS. I've sent you the size chart.")
        http.post(f"/api/v1/conversations/{old}/close", headers=op,
                  json={"summary": "Asked about petite sizes; sent the size chart.", "tags": ["sizes"]}).raise_for_status()
        http.post(f"/api/v1/visitors/{ines}/notes", headers=op,
                  json={"body": "Prefers e-mail. Bought hiking boots last spring."}).raise_for_status()
        time.sleep(0.6)                       # longer than the server's visit gap: she comes back

        for i, (name, ref, pages, lines, answers) in enumerate(CHATS):
            _, head = _visitor(http, base, name, ref, pages, visitor_id=ines if i == 0 else None)
            cid = start(head, lines[0], name)
            http.post(f"/api/v1/conversations/{cid}/accept", headers=op).raise_for_status()
            for n, line in enumerate(lines[1:]):
                if n < len(answers):
                    reply(cid, answers[n])
                http.post(f"/api/v1/visitor/conversations/{cid}/messages", headers=head,
                          json={"client_msg_id": _id(), "body": line}).raise_for_status()
            for answer in answers[len(lines) - 1:]:
                reply(cid, answer)
            if i == 1:
                reply(cid, "Courier says: depot delay, delivery tomorrow.", kind="note")
        for name, path, title, line in QUEUE:
            _, head = _visitor(http, base, name, "", [(path, title)])
            start(head, line, name)
    return token


VISITOR_ID_TABLES = ["visitor_tokens", "pageviews", "visitor_notes", "conversations", "events"]


def normalise_visitor_ids(db: sqlite3.Connection) -> None:
    """Visitor ids are random; an anonymous visitor is labelled by theirs. Number them in order."""
    ids = [vid for (vid,) in db.execute("SELECT id FROM visitors ORDER BY first_seen, rowid")]
    db.execute("PRAGMA foreign_keys = OFF")
    for n, vid in enumerate(ids):
        new = f"v{n:02d}floorvisitor"
        db.execute("UPDATE visitors SET id = ? WHERE id = ?", (new, vid))
        for table in VISITOR_ID_TABLES:
            db.execute(f"UPDATE {table} SET visitor_id = ? WHERE visitor_id = ?", (new, vid))


def normalise_times(db_path) -> float:
    """Put every time the desk shows on a fixed grid, keeping their order (and number the visitors).
    Returns 'now' for the
    desk's clock: a little after the last moment, so waits and ages are the same every run."""
    db = sqlite3.connect(db_path)
    try:
        values: set[float] = set()
        for table, cols in TIME_COLUMNS.items():
            for col in cols:
                values.update(v for (v,) in db.execute(f"SELECT {col} FROM {table} WHERE {col} IS NOT NULL"))
        grid = {v: T0 + STEP * rank for rank, v in enumerate(sorted(values))}
        for table, cols in TIME_COLUMNS.items():
            for col in cols:
                for v, new in grid.items():
                    db.execute(f"UPDATE {table} SET {col} = ? WHERE {col} = ?", (new, v))
        normalise_visitor_ids(db)
        db.commit()
        return T0 + STEP * len(grid) + 25.5
    finally:
        db.close()
