"""Changes to conversations and their messages. Each function runs inside a Store transaction (Tx)
and writes its event there; visibility follows WIRE.md: a queued conversation's events go to every
operator, an assigned one's to its operator (staff always see everything)."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update

from chatdesk.protocol import events as ev

from ..eventlog.log import VISITOR_KINDS, Tx
from ..storage import rows as queries
from ..storage import schema
from .errors import conflict, not_found

if TYPE_CHECKING:
    from ..security.chat_limits import NewChatGate

C, M, V = schema.conversations, schema.messages, schema.visitors


def audience(conv: dict[str, Any], *extra_ops: int | None, everyone: bool = False) -> dict[str, Any]:
    """Visibility columns for an event of this conversation in its current state."""
    if everyone or conv["state"] == "queued":
        return {"all_operators": True, "ops": extra_ops}
    return {"all_operators": False, "ops": (conv["operator_id"], *extra_ops)}


async def emit_conversation(tx: Tx, type_: str, cid: int, *, seq: int | None = None,
                            extra_ops: tuple[int | None, ...] = (), everyone: bool = False,
                            extra: dict[str, Any] | None = None, connected: bool = False):
    """Write a conversation.* event carrying the conversation and visitor as they are now."""
    if seq is None:
        seq = await tx.next_seq(cid)
    conv = await queries.known_conversation(tx.conn, cid)
    visitor = await queries.visitor(tx.conn, conv["visitor_id"], connected)
    data = {"conversation": conv, "visitor": visitor, **(extra or {})}
    return await tx.emit(type_, data, conversation_id=cid, seq=seq, visitor_id=conv["visitor_id"],
                         **audience(conv, *extra_ops, everyone=everyone))


async def existing_message(tx: Tx, author_key: str, client_msg_id: str | None):
    if client_msg_id is None:
        return None
    return (await tx.conn.execute(select(M).where(M.c.author_key == author_key,
                                                  M.c.client_msg_id == client_msg_id))).first()


async def add_message(tx: Tx, cid: int, *, author_type: str, author_key: str, body: str,
                      kind: str = "text", author_id: int | None = None, author_name: str = "",
                      client_msg_id: str | None = None) -> tuple[dict[str, Any], bool]:
    """Store a message and its message.created event. Returns (message, created); the same
    client_msg_id from the same author returns the first message and writes nothing."""
    old = await existing_message(tx, author_key, client_msg_id)
    if old is not None:
        if old.conversation_id != cid:
            raise conflict("duplicate_client_msg_id",
                           f"This client_msg_id was already used for a message in conversation {old.conversation_id}.")
        return queries.message_dict(old), False
    now = time.time()
    seq = await tx.next_seq(cid)
    res = await tx.conn.execute(insert(M).values(
        conversation_id=cid, seq=seq, client_msg_id=client_msg_id, author_key=author_key,
        author_type=author_type, author_id=author_id, author_name=author_name, kind=kind,
        body=body, ts=now))
    msg = {"id": res.inserted_primary_key[0], "conversation_id": cid, "seq": seq,
           "client_msg_id": client_msg_id, "author_type": author_type, "author_id": author_id,
           "author_name": author_name, "kind": kind, "body": body, "ts": now}
    conv = await queries.known_conversation(tx.conn, cid)
    if author_type == "operator" and kind == "text" and author_id == conv["operator_id"]:
        await tx.conn.execute(update(C).where(C.c.id == cid).values(
            answered=True, first_response_at=conv["first_response_at"] or now))
    await tx.emit(ev.MESSAGE_CREATED, msg, conversation_id=cid, seq=seq, client_msg_id=client_msg_id,
                  visitor_id=conv["visitor_id"] if kind in VISITOR_KINDS else None, **audience(conv))
    return msg, True


async def system_message(tx: Tx, cid: int, body: str) -> dict[str, Any]:
    msg, _ = await add_message(tx, cid, author_type="system", author_key="system", body=body, kind="system")
    return msg


async def load_for_update(tx: Tx, cid: int) -> dict[str, Any]:
    conv = await queries.conversation(tx.conn, cid)
    if conv is None:
        raise not_found(f"conversation {cid}")
    return conv


async def start_by_visitor(tx: Tx, vid: str, *, client_msg_id: str, body: str, name: str | None,
                           department: str | None, connected: bool,
                           gate: NewChatGate | None = None) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """A visitor's first message opens a queued conversation (or joins their open one); `gate`
    may refuse a new one (the flood limits). Returns (conversation, message, created)."""
    author_key = f"v:{vid}"
    old = await existing_message(tx, author_key, client_msg_id)
    if old is not None:
        return (await queries.known_conversation(tx.conn, old.conversation_id), queries.message_dict(old),
                False)
    now = time.time()
    values: dict[str, Any] = {"last_seen": now}
    if name:
        values["name"] = name
    await tx.conn.execute(update(V).where(V.c.id == vid).values(**values))
    visitor = queries.must_exist(await queries.visitor_row(tx.conn, vid), f"visitor {vid}")
    cid = await queries.open_conversation_id(tx.conn, vid)
    if cid is None:
        if gate is not None:
            await gate.admit(tx.conn)
        cid = (await tx.conn.execute(insert(C).values(
            visitor_id=vid, state="queued", department=department, queued_at=now,
            **(gate.columns() if gate is not None else {})))).inserted_primary_key[0]
        await emit_conversation(tx, ev.CONVERSATION_QUEUED, cid, connected=connected)
    msg, _ = await add_message(tx, cid, author_type="visitor", author_key=author_key, body=body,
                               author_name=visitor.name or "Visitor", client_msg_id=client_msg_id)
    return await queries.known_conversation(tx.conn, cid), msg, True


async def visitor_message(tx: Tx, vid: str, cid: int, *, client_msg_id: str,
                          body: str) -> tuple[dict[str, Any], bool]:
    conv = await queries.conversation(tx.conn, cid)
    if conv is None or conv["visitor_id"] != vid:
        raise not_found(f"conversation {cid} for this visitor")
    author_key = f"v:{vid}"
    old = await existing_message(tx, author_key, client_msg_id)
    if old is None and conv["state"] not in queries.OPEN_STATES:
        raise conflict("conversation_closed", "This chat has ended; start a new one to write again.")
    await tx.conn.execute(update(V).where(V.c.id == vid).values(last_seen=time.time()))
    visitor = queries.must_exist(await queries.visitor_row(tx.conn, vid), f"visitor {vid}")
    return await add_message(tx, cid, author_type="visitor", author_key=author_key, body=body,
                             author_name=visitor.name or "Visitor", client_msg_id=client_msg_id)


async def close(tx: Tx, cid: int, *, summary: str = "", tags: list[str] | None = None,
                follow_up: str | None = None, by_visitor: bool = False) -> dict[str, Any]:
    conv = await load_for_update(tx, cid)
    if conv["state"] == "closed" and not by_visitor:
        return await wrap_up(tx, conv, summary=summary, tags=tags or [], follow_up=follow_up)
    if conv["state"] not in queries.OPEN_STATES:
        raise conflict("conversation_closed", "This chat is already closed.")
    was_queued = conv["state"] == "queued"
    new_state = "missed" if (was_queued and by_visitor) else "closed"
    values: dict[str, Any] = {"state": new_state, "closed_at": time.time(), "opened_from": None}
    if not by_visitor:
        values.update(summary=summary, tags=tags or [], follow_up=follow_up)
    seq = await tx.next_seq(cid)
    await tx.conn.execute(update(C).where(C.c.id == cid).values(**values))
    kind = ev.CONVERSATION_MISSED if new_state == "missed" else ev.CONVERSATION_CLOSED
    row = await emit_conversation(tx, kind, cid, seq=seq, extra_ops=(conv["operator_id"],),
                                  everyone=was_queued, extra={"by_visitor": by_visitor})
    return row.data["conversation"]


async def wrap_up(tx: Tx, conv: dict[str, Any], *, summary: str, tags: list[str],
                  follow_up: str | None) -> dict[str, Any]:
    """Closing an already closed chat (e.g. the visitor left first) stores the wrap-up."""
    seq = await tx.next_seq(conv["id"])
    await tx.conn.execute(update(C).where(C.c.id == conv["id"]).values(
        summary=summary, tags=tags, follow_up=follow_up))
    # "change" tells the outbox this update is a wrap-up (outbox/webhook_events.py)
    row = await emit_conversation(tx, ev.CONVERSATION_UPDATED, conv["id"], seq=seq, extra={"change": "wrap_up"})
    return row.data["conversation"]


async def mark_missed(tx: Tx, cid: int) -> None:
    seq = await tx.next_seq(cid)
    await tx.conn.execute(update(C).where(C.c.id == cid, C.c.state == "queued")
                          .values(state="missed", closed_at=time.time(), opened_from=None))
    await emit_conversation(tx, ev.CONVERSATION_MISSED, cid, seq=seq, everyone=True)


def require_open(conv: dict[str, Any]) -> None:
    if conv["state"] not in queries.OPEN_STATES:
        raise conflict("conversation_closed", "This chat is closed.")
