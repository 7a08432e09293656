"""An operator writes in a conversation: a reply, an internal note, a whisper (staff), or a
callback request; novices in approval mode have their replies held for a trainer."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update

from chatdesk.protocol import events as ev
from chatdesk.protocol.limits import MAX_TAG

from ..eventlog.log import Tx
from ..security.tokens import Actor
from ..storage import rows
from ..storage.schema import visitors as V
from . import approvals, supervision, work_items
from . import conversations as convs
from .errors import conflict, forbidden
from .operator_views import require_readable


@dataclass(frozen=True)
class Sent:
    """The answer to a send: the message, or the approval it is held in (then `held` is set)."""
    message: dict[str, Any] | None = None
    held: dict[str, Any] | None = None


def require_holder(actor: Actor, conv: dict[str, Any], doing: str) -> None:
    if conv["operator_id"] != actor.id and not actor.is_staff:
        if conv["state"] == "queued":
            raise conflict("not_accepted", f"Accept this chat before you {doing}.")
        raise forbidden(f"Only the operator holding this chat can {doing}.")


async def send(tx: Tx, cid: int, actor: Actor, *, kind: str, body: str, client_msg_id: str) -> Sent:
    old = await convs.existing_message(tx, f"o:{actor.id}", client_msg_id)
    conv = await convs.load_for_update(tx, cid)
    held = await approvals.existing(tx.conn, actor.id, client_msg_id) if old is None else None
    if held is not None:     # a resend of a held message: the same approval, still held or not
        if held["conversation_id"] != cid:
            raise conflict("duplicate_client_msg_id",
                           f"This client_msg_id was already used in conversation {held['conversation_id']}.")
        return Sent(held=held)
    if old is None:
        require_readable(actor, conv)
        if kind == "whisper" and not actor.is_staff:
            raise forbidden("Only a supervisor, trainer or admin can whisper.")
        if kind == "text":
            require_holder(actor, conv, "reply")
        convs.require_open(conv)
        if kind == "whisper":
            supervision.require_whisper_target(conv)
        if kind == "text" and await approvals.needs_approval(tx.conn, actor):
            # held for a trainer: nothing reaches the visitor yet
            return Sent(held=await approvals.request(tx, cid, actor, client_msg_id=client_msg_id, body=body))
        if kind == "text" and actor.is_staff and conv["operator_id"] != actor.id \
                and conv["state"] == "active" and not await supervision.is_joined(tx.conn, cid, actor.id):
            await supervision.join(tx, cid, actor)      # staff writing to the visitor have joined
    msg, _created = await convs.add_message(
        tx, cid, author_type="operator", author_key=f"o:{actor.id}", author_id=actor.id,
        author_name=actor.name, kind=kind, body=body, client_msg_id=client_msg_id)
    return Sent(message=msg)


async def close(tx: Tx, cid: int, actor: Actor, *, summary: str, tags: list[str],
                follow_up: str | None) -> dict[str, Any]:
    conv = await convs.load_for_update(tx, cid)
    if not (actor.is_staff or conv["operator_id"] == actor.id):
        raise forbidden("Only the operator holding this chat, or a supervisor, can close it.")
    kept = [t.strip()[:MAX_TAG] for t in tags if t.strip()]
    return await convs.close(tx, cid, summary=summary, tags=kept, follow_up=follow_up)


async def callback(tx: Tx, cid: int, actor: Actor, *, channel: str, value: str, note: str,
                   due_after: float) -> dict[str, Any]:
    """The visitor wants a call or an e-mail: the contact goes on the visitor, a system message
    into the chat, and a work item into the work list (services/work_items.py)."""
    conv = await convs.load_for_update(tx, cid)
    require_readable(actor, conv)
    field = "phone" if channel == "phone" else "email"
    await tx.conn.execute(update(V).where(V.c.id == conv["visitor_id"]).values(**{field: value}))
    visitor = await rows.visitor(tx.conn, conv["visitor_id"])
    await tx.emit(ev.VISITOR_UPDATED, {"visitor": visitor}, conversation_id=cid, **convs.audience(conv))
    await work_items.from_operator(tx, conv, actor, channel=channel, value=value, note=note,
                                   name=(visitor or {}).get("name", ""), due_after=due_after)
    text = f"Callback requested by {channel}: {value}"
    if note:
        text += f" ({note})"
    return await convs.system_message(tx, cid, text)
