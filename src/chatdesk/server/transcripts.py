"""Transcript review: search closed conversations (FTS5 over message bodies), read one with its
journey and reviews, export to Markdown, and the visitor's rating."""
from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exists, func, insert, select, text, update

from . import queries, schema
from .errors import forbidden, not_found

C, M, V, PV, R = (schema.conversations, schema.messages, schema.visitors, schema.pageviews,
                  schema.reviews)
LIMIT = 200


def fts_query(q: str) -> str | None:
    """Each word must appear (prefix match); quoted so FTS5 syntax in the input is inert."""
    words = [w for w in re.findall(r"\w+", q, flags=re.UNICODE)][:20]
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words) or None


async def search(conn, *, q: str | None, operator_id: int | None, tag: str | None, since: float | None,
                 until: float | None, rating: int | None, mark: str | None) -> list[dict[str, Any]]:
    query = select(C.c.id).where(C.c.state == "closed")
    if operator_id is not None:
        query = query.where(C.c.operator_id == operator_id)
    if since is not None:
        query = query.where(C.c.closed_at >= since)
    if until is not None:
        query = query.where(C.c.closed_at < until)
    if rating is not None:
        query = query.where(C.c.rating == rating)
    if tag:
        query = query.where(text("EXISTS (SELECT 1 FROM json_each(conversations.tags) WHERE value = :tag)")
                            .bindparams(tag=tag))
    if mark:
        query = query.where(exists().where(R.c.conversation_id == C.c.id, R.c.mark == mark))
    match = fts_query(q) if q else None
    if q and match is None:
        return []
    if match:
        hits = select(text("rowid")).select_from(text("messages_fts")).where(
            text("messages_fts MATCH :match").bindparams(match=match))
        query = query.where(exists().where(M.c.conversation_id == C.c.id, M.c.id.in_(hits)))
    ids = (await conn.execute(query.order_by(C.c.closed_at.desc(), C.c.id.desc()).limit(LIMIT))).scalars().all()
    out = []
    for cid in ids:
        conv = await queries.conversation(conn, cid)
        name = (await conn.execute(select(V.c.name).where(V.c.id == conv["visitor_id"]))).scalar() or ""
        count = (await conn.execute(select(func.count()).select_from(M).where(M.c.conversation_id == cid))).scalar_one()
        marks = (await conn.execute(select(R.c.mark).where(R.c.conversation_id == cid, R.c.mark.is_not(None))
                                    .order_by(R.c.id))).scalars().all()
        snippet = ""
        if match:
            hits = select(text("rowid")).select_from(text("messages_fts")).where(
                text("messages_fts MATCH :match").bindparams(match=match))
            snippet = (await conn.execute(select(M.c.body).where(M.c.conversation_id == cid, M.c.id.in_(hits))
                                          .order_by(M.c.seq).limit(1))).scalar() or ""
        out.append({"conversation": conv, "visitor_name": name, "message_count": count,
                    "marks": list(dict.fromkeys(marks)), "snippet": snippet[:300]})
    return out


def review_dict(r) -> dict[str, Any]:
    return {"id": r.id, "conversation_id": r.conversation_id, "reviewer_id": r.reviewer_id,
            "reviewer_name": r.reviewer_name, "mark": r.mark, "note": r.note, "ts": r.ts}


async def readable_transcript(conn, cid: int, actor) -> dict[str, Any]:
    conv = await queries.conversation(conn, cid)
    if conv is None or conv["state"] != "closed":
        raise not_found(f"closed conversation {cid}")
    if not actor.is_staff and conv["operator_id"] != actor.id:
        raise forbidden("This transcript belongs to another operator; you can read only your own.")
    return conv


async def journey(conn, vid: str, start: float, end: float | None) -> list[dict[str, Any]]:
    """Page views of the visit the chat happened in, up to its end."""
    before = (await conn.execute(select(PV.c.visit_no).where(PV.c.visitor_id == vid, PV.c.ts <= start)
                                 .order_by(PV.c.id.desc()).limit(1))).scalar()
    if before is None:
        return []
    q = select(PV).where(PV.c.visitor_id == vid, PV.c.visit_no == before)
    if end is not None:
        q = q.where(PV.c.ts <= end)
    rows = (await conn.execute(q.order_by(PV.c.id).limit(500))).all()
    return [{"url": p.url, "title": p.title, "referrer": p.referrer, "ts": p.ts} for p in rows]


async def detail(conn, conv: dict[str, Any]) -> dict[str, Any]:
    cid = conv["id"]
    visitor = await queries.visitor(conn, conv["visitor_id"])
    reviews = (await conn.execute(select(R).where(R.c.conversation_id == cid).order_by(R.c.id))).all()
    comment = (await conn.execute(select(C.c.rating_comment).where(C.c.id == cid))).scalar() or ""
    return {"conversation": conv, "visitor": visitor,
            "journey": await journey(conn, conv["visitor_id"], conv["queued_at"], conv["closed_at"]),
            "messages": await queries.messages(conn, cid), "reviews": [review_dict(r) for r in reviews],
            "rating_comment": comment}


async def add_review(conn, cid: int, actor, mark: str | None, note: str) -> dict[str, Any]:
    res = await conn.execute(insert(R).values(conversation_id=cid, reviewer_id=actor.id, reviewer_name=actor.name,
                                              mark=mark, note=note, ts=time.time()))
    row = (await conn.execute(select(R).where(R.c.id == res.inserted_primary_key[0]))).first()
    return review_dict(row)


async def rate(conn, cid: int, rating: int, comment: str) -> None:
    await conn.execute(update(C).where(C.c.id == cid).values(rating=rating, rating_comment=comment,
                                                             rated_at=time.time()))


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if ts else "-"


def _md_line(s: str) -> str:
    """Untrusted text in Markdown: no raw HTML, no link or heading syntax taking effect."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", s)


def to_markdown(d: dict[str, Any]) -> str:
    conv, visitor = d["conversation"], d["visitor"] or {}
    out = [f"# Conversation {conv['id']}", "",
           f"- Visitor: {_md_line(visitor.get('name') or 'Visitor')}",
           f"- Operator: {_md_line(conv['operator_name'] or '-')}",
           f"- Started: {_when(conv['queued_at'])}", f"- Closed: {_when(conv['closed_at'])}",
           f"- Tags: {_md_line(', '.join(conv['tags'])) or '-'}",
           f"- Rating: {conv['rating'] if conv['rating'] is not None else '-'}"]
    if d.get("rating_comment"):
        out.append(f"- Rating comment: {_md_line(d['rating_comment'])}")
    if conv["summary"]:
        out.append(f"- Summary: {_md_line(conv['summary'])}")
    out += ["", "## Journey", ""]
    out += [f"1. {_when(p['ts'])} {_md_line(p['title'] or p['url'])} ({_md_line(p['url'])})" for p in d["journey"]] \
        or ["(no page views)"]
    out += ["", "## Messages", ""]
    for m in d["messages"]:
        who = "System" if m["author_type"] == "system" else (m["author_name"] or m["author_type"].title())
        kind = "" if m["kind"] in ("text", "system") else f" [{m['kind']}]"
        body = "\n  ".join(_md_line(line) for line in m["body"].splitlines()) or ""
        out.append(f"- **{_md_line(who)}**{kind} {_when(m['ts'])}: {body}")
    if d["reviews"]:
        out += ["", "## Reviews", ""]
        out += [f"- {_md_line(r['reviewer_name'])} ({r['mark'] or 'note'}) {_when(r['ts'])}: {_md_line(r['note'])}"
                for r in d["reviews"]]
    return "\n".join(out) + "\n"


def to_json(d: dict[str, Any]) -> str:
    return json.dumps(d, indent=2, ensure_ascii=False)
