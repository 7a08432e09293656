"""A transcript as a file: Markdown (untrusted text escaped) or JSON."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any


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
        if m["kind"] == "handoff":
            who, kind = "Hand-off", ""
        elif m["author_type"] == "system":
            who, kind = "System", ""
        else:
            who = m["author_name"] or m["author_type"].title()
            kind = "" if m["kind"] == "text" else f" [{m['kind']}]"
        body = "\n  ".join(_md_line(line) for line in m["body"].splitlines()) or ""
        out.append(f"- **{_md_line(who)}**{kind} {_when(m['ts'])}: {body}")
    if d["reviews"]:
        out += ["", "## Reviews", ""]
        out += [f"- {_md_line(r['reviewer_name'])} ({r['mark'] or 'note'}) {_when(r['ts'])}: {_md_line(r['note'])}"
                for r in d["reviews"]]
    return "\n".join(out) + "\n"


def to_json(d: dict[str, Any]) -> str:
    return json.dumps(d, indent=2, ensure_ascii=False)
