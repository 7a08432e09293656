"""Typing indicators: ephemeral frames through the hub, never stored. An operator's reach the
visitor of the chat they hold; a visitor's reach whoever may read their open chat."""
from __future__ import annotations

import time
from typing import Any

from chatdesk.protocol import events as ev
from chatdesk.protocol.limits import MAX_BODY, MAX_ID

from ..context import ServerContext
from ..eventlog.audience import ToChatReaders, ToVisitor
from ..security.tokens import Actor
from ..storage import rows as queries


async def operator_typing(ctx: ServerContext, actor: Actor, frame: dict[str, Any]) -> None:
    cid = frame.get("conversation_id")
    if not isinstance(cid, int) or isinstance(cid, bool) or not 0 < cid < MAX_ID:
        return
    async with ctx.store.read() as conn:
        conv = await queries.conversation(conn, cid)
    if conv is None or conv["operator_id"] != actor.id or conv["state"] != "active":
        return
    out = {"type": ev.TYPING, "conversation_id": cid, "actor": "operator",
           "is_typing": bool(frame.get("is_typing"))}
    ctx.hub.send(out, to=ToVisitor(conv["visitor_id"]))


async def visitor_typing(ctx: ServerContext, vid: str, is_typing: bool, text: str) -> None:
    ctx.visitor_activity[vid] = time.time()
    async with ctx.store.read() as conn:
        cid = await queries.open_conversation_id(conn, vid)
        conv = await queries.conversation(conn, cid) if cid else None
    if conv is None:
        return
    out = {"type": ev.TYPING, "conversation_id": cid, "actor": "visitor", "is_typing": is_typing,
           "text": text[:MAX_BODY] if is_typing else ""}
    ctx.hub.send(out, to=ToChatReaders(conv["operator_id"], conv["state"] == "queued"))
