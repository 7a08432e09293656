"""Approval mode: a novice's outgoing text messages wait for a trainer.

The held message is an `approvals` row, never a message row, so nothing of it can reach the
visitor. Approving creates the real message with the novice as author and the novice's
client_msg_id: the visitor gets it exactly once (message.created), the novice's outbox sees its
echo, and a resend of the same client_msg_id returns that message. Events go to staff and the author.
"""
from __future__ import annotations

import time
from typing import Any

from sqlalchemy import insert, select, update

from chatdesk.protocol import events as ev

from ..eventlog.log import Tx
from ..security.tokens import Actor
from ..storage import rows as queries
from ..storage import schema
from ..storage.db import AnyConn
from .conversations import add_message, load_for_update, require_open
from .errors import conflict, not_found

A = schema.approvals


async def get(conn, approval_id: int) -> dict[str, Any] | None:
    r = (await conn.execute(select(A).where(A.c.id == approval_id))).first()
    return queries.approval_dict(r) if r else None


async def existing(conn, author_id: int, client_msg_id: str) -> dict[str, Any] | None:
    r = (await conn.execute(select(A).where(A.c.author_id == author_id,
                                            A.c.client_msg_id == client_msg_id))).first()
    return queries.approval_dict(r) if r else None


async def listing(conn, state: str | None, conversation_id: int | None = None,
                  author_id: int | None = None) -> list[dict[str, Any]]:
    q = select(A)
    if state:
        q = q.where(A.c.state == state)
    if conversation_id is not None:
        q = q.where(A.c.conversation_id == conversation_id)
    if author_id is not None:
        q = q.where(A.c.author_id == author_id)
    return [queries.approval_dict(r) for r in (await conn.execute(q.order_by(A.c.id).limit(1000))).all()]


async def for_conversations(conn: AnyConn, cids: list[int],
                            author_id: int | None = None) -> dict[int, list[dict[str, Any]]]:
    """Every approval of these conversations (an author's own only, when given), by conversation."""
    out: dict[int, list[dict[str, Any]]] = {}
    if not cids:
        return out
    q = select(A).where(A.c.conversation_id.in_(cids))
    if author_id is not None:
        q = q.where(A.c.author_id == author_id)
    for r in (await conn.execute(q.order_by(A.c.id))).all():
        out.setdefault(r.conversation_id, []).append(queries.approval_dict(r))
    return out


async def needs_approval(conn, actor: Actor) -> bool:
    row = await queries.operator_row(conn, actor.id)
    return bool(row and row.approval_required)


async def _emit(tx: Tx, type_: str, approval: dict[str, Any]) -> None:
    # staff see everything; the author is the only operator told (visitor_id None: never the visitor)
    await tx.emit(type_, {"approval": approval}, conversation_id=approval["conversation_id"],
                  ops=(approval["author_id"],))


async def request(tx: Tx, cid: int, actor: Actor, *, client_msg_id: str, body: str) -> dict[str, Any]:
    """Hold the message; the same client_msg_id again returns the first approval."""
    old = await existing(tx.conn, actor.id, client_msg_id)
    if old is not None:
        if old["conversation_id"] != cid:
            raise conflict("duplicate_client_msg_id",
                           f"This client_msg_id was already used in conversation {old['conversation_id']}.")
        return old
    res = await tx.conn.execute(insert(A).values(
        conversation_id=cid, author_id=actor.id, author_name=actor.name, client_msg_id=client_msg_id,
        body=body, state="pending", created_at=time.time()))
    approval = queries.must_exist(await get(tx.conn, res.inserted_primary_key[0]), "the new approval")
    await _emit(tx, ev.APPROVAL_REQUESTED, approval)
    return approval


async def resolve(tx: Tx, approval_id: int, actor: Actor, *, action: str, body: str | None,
                  note: str) -> dict[str, Any]:
    approval = await get(tx.conn, approval_id)
    if approval is None:
        raise not_found(f"approval {approval_id}")
    if approval["state"] != "pending":
        raise conflict("already_resolved",
                       f"This message was already {approval['state']} by {approval['resolver_name'] or 'someone'}.")
    values: dict[str, Any] = {"resolved_at": time.time(), "resolver_id": actor.id,
                              "resolver_name": actor.name, "note": note}
    if action == "approve":
        conv = await load_for_update(tx, approval["conversation_id"])
        require_open(conv)
        final = body if body is not None else approval["body"]
        author = await queries.operator_row(tx.conn, approval["author_id"])
        msg, _ = await add_message(tx, conv["id"], author_type="operator", author_key=f"o:{approval['author_id']}",
                                   author_id=approval["author_id"], author_name=author.name if author else "",
                                   kind="text", body=final, client_msg_id=approval["client_msg_id"])
        values.update(state="approved", final_body=final, message_id=msg["id"])
    else:
        values.update(state="rejected")
    await tx.conn.execute(update(A).where(A.c.id == approval_id).values(**values))
    approval = queries.must_exist(await get(tx.conn, approval_id), f"approval {approval_id}")
    await _emit(tx, ev.APPROVAL_RESOLVED, approval)
    return approval
