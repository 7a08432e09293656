"""The hand-off record: every transfer, reassign and take-over writes a staff-only line into the
conversation (message kind "handoff", author_type "system", author_id/name = who did it), with
its note. It is part of the transcript every operator and export reads, and never reaches the
visitor: its kind is not one of the visitor's (eventlog.VISITOR_KINDS, rows.messages(visitor_view)).
"""
from __future__ import annotations

from typing import Any

from ..eventlog.log import Tx
from ..security.tokens import Actor
from .conversations import add_message

HANDOFF = "handoff"


def _role(actor: Actor) -> str:
    return f" ({actor.role})" if actor.is_staff else ""


def _with_note(sentence: str, note: str) -> str:
    note = note.strip()
    return f"{sentence} Note: {note}" if note else sentence


def transferred(actor: Actor, from_name: str | None, *, to_operator: str | None = None,
                to_department: str | None = None, note: str = "") -> str:
    """`from_name` None: the chat was in the queue."""
    where = f"to {to_operator}" if to_operator is not None else f"to the {to_department} queue"
    if from_name is None or from_name == actor.name:
        sentence = f"{actor.name}{_role(actor)} transferred this chat {where}."
    else:
        sentence = f"{actor.name}{_role(actor)} transferred this chat from {from_name} {where}."
    return _with_note(sentence, note)


def reassigned(actor: Actor, from_name: str | None, to_name: str, note: str) -> str:
    source = f" from {from_name}" if from_name else " from the queue"
    return _with_note(f"{actor.name}{_role(actor)} reassigned this chat{source} to {to_name}.", note)


def taken_over(actor: Actor, from_name: str | None) -> str:
    source = f" from {from_name}" if from_name else " from the queue"
    return f"{actor.name}{_role(actor)} took over this chat{source}."


async def record(tx: Tx, cid: int, actor: Actor, body: str) -> dict[str, Any]:
    """Write the line after the move, so it goes to whoever may read the chat now."""
    msg, _ = await add_message(tx, cid, author_type="system", author_key="system", body=body,
                               kind=HANDOFF, author_id=actor.id, author_name=actor.name)
    return msg
