"""Staff stepping into a conversation: monitor (watch/unwatch), join, take over, reassign.

Each runs inside a Store transaction and writes its event there. Watchers and joined staff live in
`conversation_staff`; a watch is explicit (the desk unwatches when it closes the view) and ends with
the chat: closed conversations list no watchers.
"""
from __future__ import annotations

import time
from typing import Any

from sqlalchemy import delete, insert, select

from chatdesk.protocol import events as ev

from ..eventlog.log import Tx
from ..security.tokens import Actor
from ..storage import rows as queries
from ..storage import schema
from ..storage.db import AnyConn
from . import handoffs
from .conversations import audience, emit_conversation, load_for_update, require_open, system_message
from .errors import conflict, not_found
from .routing import _give, check_can_take

CS, OP = schema.conversation_staff, schema.operators
WATCHING, JOINED = "watching", "joined"


async def staff(conn: AnyConn, cid: int, relation: str) -> list[dict[str, Any]]:
    found = (await conn.execute(select(OP.c.id, OP.c.name).join(CS, CS.c.operator_id == OP.c.id)
                                .where(CS.c.conversation_id == cid, CS.c.relation == relation)
                                .order_by(CS.c.since, OP.c.id))).all()
    return [{"id": r.id, "name": r.name} for r in found]


async def presences(conn: AnyConn, convs: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Watchers and joined staff per conversation, in one query; a closed chat has none watching."""
    out: dict[int, dict[str, Any]] = {c["id"]: {"conversation_id": c["id"], "watchers": [], "joined": []}
                                      for c in convs}
    if not out:
        return out
    open_ = {c["id"] for c in convs if c["state"] in queries.OPEN_STATES}
    found = (await conn.execute(select(CS.c.conversation_id, CS.c.relation, OP.c.id, OP.c.name)
                                .join(CS, CS.c.operator_id == OP.c.id)
                                .where(CS.c.conversation_id.in_(list(out)))
                                .order_by(CS.c.since, OP.c.id))).all()
    for r in found:
        if r.relation == JOINED:
            out[r.conversation_id]["joined"].append({"id": r.id, "name": r.name})
        elif r.relation == WATCHING and r.conversation_id in open_:
            out[r.conversation_id]["watchers"].append({"id": r.id, "name": r.name})
    return out


async def presence(conn: AnyConn, conv: dict[str, Any]) -> dict[str, Any]:
    """Watchers and joined staff of a conversation; a closed chat has none watching."""
    return (await presences(conn, [conv]))[conv["id"]]


async def _emit_staff_event(tx: Tx, type_: str, cid: int, extra: dict[str, Any]) -> None:
    """Like emit_conversation, but never to the visitor: monitoring and joins are staff business
    (the visitor learns of a join from its system message)."""
    seq = await tx.next_seq(cid)
    conv = await queries.known_conversation(tx.conn, cid)
    visitor = await queries.visitor(tx.conn, conv["visitor_id"])
    await tx.emit(type_, {"conversation": conv, "visitor": visitor, **extra}, conversation_id=cid, seq=seq,
                  **audience(conv))


async def _has(conn, cid: int, oid: int, relation: str) -> bool:
    return (await conn.execute(select(CS.c.since).where(
        CS.c.conversation_id == cid, CS.c.operator_id == oid, CS.c.relation == relation))).first() is not None


async def watch(tx: Tx, cid: int, actor: Actor, on: bool) -> dict[str, Any]:
    conv = await load_for_update(tx, cid)
    if on:
        require_open(conv)
    if await _has(tx.conn, cid, actor.id, WATCHING) != on:
        if on:
            await tx.conn.execute(insert(CS).values(conversation_id=cid, operator_id=actor.id,
                                                    relation=WATCHING, since=time.time()))
        else:
            await tx.conn.execute(delete(CS).where(CS.c.conversation_id == cid, CS.c.operator_id == actor.id,
                                                   CS.c.relation == WATCHING))
        if conv["state"] in queries.OPEN_STATES:
            watchers = await staff(tx.conn, cid, WATCHING)
            await _emit_staff_event(tx, ev.CONVERSATION_WATCHERS, cid, {"watchers": watchers})
    return await presence(tx.conn, conv)


async def join(tx: Tx, cid: int, actor: Actor) -> dict[str, Any]:
    """Staff joins an assigned chat: they write to the visitor too. Idempotent."""
    conv = await load_for_update(tx, cid)
    require_open(conv)
    if conv["state"] == "queued":
        raise conflict("not_accepted", "Nobody holds this chat yet; accept it or take it over instead of joining.")
    if conv["operator_id"] == actor.id:
        raise conflict("same_operator", "You already hold this chat.")
    if not await _has(tx.conn, cid, actor.id, JOINED):
        await tx.conn.execute(insert(CS).values(conversation_id=cid, operator_id=actor.id, relation=JOINED,
                                                since=time.time()))
        await system_message(tx, cid, f"{actor.name} joined the chat.")
        joined = await staff(tx.conn, cid, JOINED)
        await _emit_staff_event(tx, ev.CONVERSATION_JOINED, cid,
                                {"joined": joined, "operator": {"id": actor.id, "name": actor.name}})
    return await presence(tx.conn, conv)


async def is_joined(conn, cid: int, oid: int) -> bool:
    return await _has(conn, cid, oid, JOINED)


async def take_over(tx: Tx, cid: int, actor: Actor) -> dict[str, Any]:
    """The chat moves to the staff member (no cap check, and away or offline does not stop it: a
    supervisor stepping in must not be refused), but not while they are on the phone: on chat or
    on the phone, never both. The old holder gets conversation.transferred (reason "takeover")."""
    conv = await load_for_update(tx, cid)
    require_open(conv)
    if conv["operator_id"] == actor.id:
        raise conflict("same_operator", "You already hold this chat.")
    me = await queries.operator_row(tx.conn, actor.id)
    if me is not None and me.status == "on_phone":
        raise conflict("on_phone", "You are on the phone: set your status to online to take over a chat.")
    line = handoffs.taken_over(actor, conv["operator_name"] or None)
    return await _move(tx, conv, actor.id, actor, reason="takeover", note="", line=line)


async def reassign(tx: Tx, cid: int, actor: Actor, operator_id: int, note: str) -> dict[str, Any]:
    """Staff moves the chat to another operator; their cap and status are respected (409)."""
    conv = await load_for_update(tx, cid)
    require_open(conv)
    target = await queries.operator_row(tx.conn, operator_id)
    if target is None:
        raise not_found(f"operator {operator_id}")
    if target.id == conv["operator_id"]:
        raise conflict("same_operator", f"{target.name} already holds this chat.")
    await check_can_take(tx, target, yourself=target.id == actor.id)
    line = handoffs.reassigned(actor, conv["operator_name"] or None, target.name, note)
    return await _move(tx, conv, target.id, actor, reason="reassigned", note=note, line=line)


async def _move(tx: Tx, conv: dict[str, Any], to_id: int, actor: Actor, *, reason: str, note: str,
                line: str) -> dict:
    was_queued, from_id = conv["state"] == "queued", conv["operator_id"]
    seq = await tx.next_seq(conv["id"])
    await _give(tx, conv, to_id, auto=False, accepted=reason == "takeover")
    # the new holder is no longer a watcher or a joined guest of their own chat
    await tx.conn.execute(delete(CS).where(CS.c.conversation_id == conv["id"], CS.c.operator_id == to_id))
    extra = {"note": note, "from_operator_id": from_id, "reason": reason,
             "by": {"id": actor.id, "name": actor.name}}
    row = await emit_conversation(tx, ev.CONVERSATION_TRANSFERRED, conv["id"], seq=seq, extra_ops=(from_id,),
                                  everyone=was_queued, extra=extra)
    await handoffs.record(tx, conv["id"], actor, line)
    return row.data["conversation"]


def require_whisper_target(conv: dict[str, Any]) -> None:
    if conv["state"] != "active" or conv["operator_id"] is None:
        raise conflict("not_accepted", "Nobody holds this chat yet; a whisper goes to the operator holding it.")

