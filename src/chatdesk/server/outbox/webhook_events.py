"""Which logged event becomes which webhook event, and what its payload says.

A webhook event is a name a receiver subscribes to (WEBHOOK_EVENTS); its payload is built from the
logged event's data alone, so a delivery written in the event's transaction never needs a later
read. Operator-only messages (notes, whispers) and system lines are not webhook events.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chatdesk.protocol import events as ev

OPENED, ASSIGNED, TRANSFERRED, CLOSED = ("conversation.opened", "conversation.assigned",
                                         "conversation.transferred", "conversation.closed")
MESSAGE, CALLBACK, OFFLINE, ORDER, RATING = ("message.created", "callback.requested", "offline.message",
                                             "order.attributed", "rating.given")
WEBHOOK_EVENTS = (OPENED, ASSIGNED, TRANSFERRED, CLOSED, MESSAGE, CALLBACK, OFFLINE, ORDER, RATING)

# A conversation.updated event says what changed in data["change"] when a webhook cares.
WRAP_UP, RATED = "wrap_up", "rating"

_DIRECT = {ev.CONVERSATION_QUEUED: OPENED, ev.CONVERSATION_ASSIGNED: ASSIGNED,
           ev.CONVERSATION_TRANSFERRED: TRANSFERRED, ev.CONVERSATION_CLOSED: CLOSED,
           ev.ORDER_ATTRIBUTED: ORDER}
_UPDATES = {WRAP_UP: CLOSED, RATED: RATING}
_REQUESTS = {"callback": CALLBACK, "offline": OFFLINE}


def webhook_event(type_: str, data: dict[str, Any]) -> str | None:
    """The webhook event a logged event is, or None."""
    if type_ in _DIRECT:
        return _DIRECT[type_]
    if type_ == ev.MESSAGE_CREATED:
        return MESSAGE if data.get("kind") == "text" else None
    if type_ == ev.CONVERSATION_UPDATED:
        return _UPDATES.get(data.get("change", ""))
    if type_ == ev.REQUEST_CREATED:
        return _REQUESTS.get((data.get("request") or {}).get("kind", ""))
    return None


def payload(name: str, data: dict[str, Any], transcript_url: Callable[[int | None], str]) -> dict[str, Any]:
    """The `data` of a delivery: the logged event's data, without what only the desk needs;
    `transcript_url` makes a chat's signed link (transcript_links.py)."""
    body = {k: v for k, v in data.items() if k not in ("by_visitor", "change", "rating_comment")}
    if name == CLOSED:
        conv = data.get("conversation") or {}
        body["transcript_url"] = transcript_url(conv.get("id"))
        body["closed_by_visitor"] = bool(data.get("by_visitor"))
    if name == RATING:
        conv = data.get("conversation") or {}
        body["rating"] = {"rating": conv.get("rating"), "comment": data.get("rating_comment", "")}
    return body
