"""A conversation loaded over REST, merged into the view the store already holds, and the sentences
the desk says when a chat reaches or leaves this operator. Pure: no store, no I/O."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chatdesk.protocol.models import Conversation, ConversationDetail, Operator, Visitor, VisitorDetail

from .outgoing import OutgoingMessage
from .view import ConversationView


def view_from_detail(detail: ConversationDetail, visitor: VisitorDetail | None, old: ConversationView | None,
                     pending: Iterable[OutgoingMessage]) -> ConversationView:
    """`detail` and `visitor` cleaned already. A new view takes the outbox's `pending` lines of
    its conversation; an old one keeps what the stream brought that is newer than the answer."""
    conv = detail.conversation
    rest_seq = max([conv.last_seq, *(m.seq for m in detail.messages)])
    vis = visitor if visitor is not None else detail.visitor
    if old is None:
        view = new_view(conv, vis, rest_seq, pending)
    else:
        view = old
        if rest_seq >= view.last_seq:     # REST is at least as new as the stream was
            view.conversation = conv
        if visitor is not None or not isinstance(view.visitor, VisitorDetail):
            view.visitor = vis
        view.last_seq = max(view.last_seq, rest_seq)
    view.needs_reload = False
    view.watchers, view.joined = list(detail.watchers), list(detail.joined)
    for a in detail.approvals:
        view.set_approval(a)
    view.replace_messages(detail.messages)
    view.has_older = detail.has_older
    return view


def new_view(conv: Conversation, visitor: Visitor | VisitorDetail, last_seq: int,
             pending: Iterable[OutgoingMessage]) -> ConversationView:
    """A view the store did not hold, with the outbox's `pending` lines of its conversation."""
    view = ConversationView(conversation=conv, visitor=visitor, last_seq=last_seq)
    view.pending = [p for p in pending if p.conversation_id == conv.id]
    return view


def transferred_sentence(data: Mapping[str, Any], operators: Mapping[int, Operator]) -> str | None:
    """What the new holder reads when a colleague handed the chat over with a note: named after
    who moved it (`by`: a supervisor's reassign names the supervisor, not the previous holder)."""
    if not data.get("note"):
        return None
    by = data.get("by")
    by_name = by.get("name") if isinstance(by, dict) and isinstance(by.get("name"), str) else None
    if by_name is None:
        from_id = data.get("from_operator_id")
        sender = operators.get(from_id) if type(from_id) is int else None
        by_name = sender.name if sender else None
    verb = "Reassigned" if data.get("reason") == "reassigned" else "Transferred"
    return f"{verb} to you by {by_name or 'a colleague'}: {data['note']}"


def moved_sentence(conv: Conversation, data: Mapping[str, Any]) -> str | None:
    """What the old holder reads when a supervisor took the chat away (take over / reassign)."""
    by = data.get("by")
    who = (by.get("name") if isinstance(by, dict) else None) or "A supervisor"
    if data.get("reason") == "takeover":
        return f"{who} took over this chat."
    if data.get("reason") == "reassigned":
        return f"{who} moved this chat to {conv.operator_name or 'another operator'}."
    return None
