"""Crafted stream events shaped like the server's (WIRE.md), for the pure store tests."""
from __future__ import annotations

from itertools import count
from typing import Any

_event_ids = count(1)
_message_ids = count(1)


def conv(cid: int, state: str = "queued", operator_id: int | None = None, **kw: Any) -> dict:
    return {"id": cid, "visitor_id": f"v{cid}", "state": state, "operator_id": operator_id,
            "queued_at": 1000.0 + cid, **kw}


def visitor(vid: str, **kw: Any) -> dict:
    return {"id": vid, "name": kw.pop("name", f"Visitor {vid}"), "first_seen": 900.0,
            "last_seen": 1000.0, **kw}


def event(type_: str, cid: int | None, seq: int | None, data: dict, event_id: int | None = None,
          **kw: Any) -> dict:
    return {"type": type_, "event_id": event_id or next(_event_ids), "conversation_id": cid,
            "seq": seq, "ts": 1000.0, "data": data, **kw}


def queued(cid: int, seq: int = 1, **kw: Any) -> dict:
    return event("conversation.queued", cid, seq, {"conversation": conv(cid), "visitor": visitor(f"v{cid}")}, **kw)


def assigned(cid: int, seq: int, operator_id: int, **kw: Any) -> dict:
    return event("conversation.assigned", cid, seq,
                 {"conversation": conv(cid, "active", operator_id), "visitor": visitor(f"v{cid}")}, **kw)


def message(cid: int, seq: int, body: str, author: str = "visitor", client_msg_id: str | None = None,
            msg_id: int | None = None, kind: str = "text", **kw: Any) -> dict:
    msg = {"id": msg_id or next(_message_ids), "conversation_id": cid, "seq": seq,
           "client_msg_id": client_msg_id, "author_type": author,
           "author_id": 7 if author == "operator" else None, "kind": kind, "body": body,
           "ts": 1000.0 + seq}
    return event("message.created", cid, seq, msg, client_msg_id=client_msg_id, **kw)


def detail(cid: int, operator_id: int, messages: list[dict], last_seq: int | None = None) -> dict:
    msgs = [m["data"] for m in messages]
    return {"conversation": conv(cid, "active", operator_id,
                                 last_seq=last_seq if last_seq is not None else max((m["seq"] for m in msgs), default=0)),
            "visitor": visitor(f"v{cid}"), "messages": msgs}
