"""The mails the outbox sends, rendered when they are enqueued: a subject, a plain-text body and an
HTML body in which every untrusted value (names, messages, summaries, tags) is html.escape'd.
Subjects are one line (a visitor's newline never becomes a header of its own)."""
from __future__ import annotations

import html
import time
from dataclasses import asdict, dataclass
from typing import Any

from .mail_texts import language, transcript_texts

Json = dict[str, Any]
SUBJECT_MAX = 160


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str

    def as_payload(self) -> Json:
        return asdict(self)


def one_line(value: Any, limit: int = SUBJECT_MAX) -> str:
    return " ".join(str(value or "").split())[:limit]


def _page(title: str, paragraphs: list[str], rows: list[tuple[str, str]], lang: str = "en") -> str:
    """HTML from already escaped parts."""
    table = "".join(f"<tr><th align=\"left\">{k}</th><td>{v}</td></tr>" for k, v in rows)
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title></head>"
            f"<body>{body}{f'<table>{table}</table>' if rows else ''}</body></html>")


def _field_block(rows: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    text = "\n".join(f"{k}: {v}" for k, v in rows)
    escaped = [(html.escape(k), html.escape(v).replace("\n", "<br>")) for k, v in rows]
    return text, escaped


def _clock(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ts))


def _speaker(m: Json, t: dict[str, str]) -> str:
    """Who said it, as the visitor reads it: "You", the operator's name, none for a system line."""
    if m["author_type"] == "visitor":
        return t["visitor"]
    if m["author_type"] == "system":
        return ""
    return m.get("author_name") or t["operator"]


def transcript_mail(to: str, lang: str | None, conversation: Json, messages: list[Json]) -> Mail:
    """The visitor's copy of their chat, in their language."""
    code = language(lang)
    t = transcript_texts(code)
    lines = [(_clock(m["ts"]), _speaker(m, t), m["body"]) for m in messages]
    text = "\n".join([t["intro"], "", *(f"[{ts}] {who}: {body}" if who else f"[{ts}] {body}"
                                         for ts, who, body in lines), "", t["closing"], "", t["why"]])
    items = "".join(f"<li><small>{html.escape(ts)}</small> "
                    f"{f'<b>{html.escape(who)}</b>: ' if who else ''}"
                    f"{html.escape(body).replace(chr(10), '<br>')}</li>" for ts, who, body in lines)
    page = _page(html.escape(t["subject"]), [html.escape(t["intro"]), f"<ul>{items}</ul>",
                                             html.escape(t["closing"]), f"<small>{html.escape(t['why'])}</small>"],
                 [], lang=code)
    return Mail(to, one_line(f"{t['subject']} ({conversation['id']})"), text, page)


def _contact(visitor: Json) -> str:
    parts = [visitor.get("name") or "", visitor.get("email") or "", visitor.get("phone") or ""]
    return ", ".join(p for p in parts if p) or "(none given)"


def sales_mail(to: str, conversation: Json, visitor: Json, transcript_url: str) -> Mail:
    """The sales follow-up at close: summary, tags, contact details, the follow-up, the link."""
    who = visitor.get("name") or "a visitor"
    rows = [("Follow-up", conversation.get("follow_up") or ""), ("Summary", conversation.get("summary") or ""),
            ("Tags", ", ".join(conversation.get("tags") or [])), ("Contact", _contact(visitor)),
            ("Operator", conversation.get("operator_name") or ""), ("Transcript", transcript_url or "")]
    text, escaped = _field_block(rows)
    intro = f"Chat {conversation['id']} with {who} closed with a follow-up for sales."
    return Mail(to, one_line(f"Sales follow-up: {who} (chat {conversation['id']})"),
                f"{intro}\n\n{text}\n", _page("Sales follow-up", [html.escape(intro)], escaped))


REQUEST_TITLES = {"callback": "Callback request", "offline": "Offline message"}


def request_mail(to: str, request: Json, transcript_url: str) -> Mail:
    """An offline message or callback request, to the team address."""
    title = REQUEST_TITLES.get(request.get("kind", ""), "Request")
    who = request.get("name") or request.get("email") or request.get("phone") or "a visitor"
    rows = [("Name", request.get("name") or ""), ("E-mail", request.get("email") or ""),
            ("Phone", request.get("phone") or ""), ("Answer by", request.get("channel") or ""),
            ("Preferred time", request.get("preferred_time") or ""), ("Department", request.get("department") or ""),
            ("Message", request.get("message") or "")]
    if request.get("conversation_id"):
        rows.append(("Chat", transcript_url))
    text, escaped = _field_block(rows)
    intro = f"{title} from {who}."
    return Mail(to, one_line(f"{title}: {who}"), f"{intro}\n\n{text}\n", _page(title, [html.escape(intro)], escaped))
