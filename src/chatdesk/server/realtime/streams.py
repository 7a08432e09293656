"""Websocket streams for operators (/api/v1/stream) and visitors (/api/v1/visitor/stream).

Resume without gap or duplicate, even while events are being written:
 1. subscribe to the hub first (live events start buffering in the subscriber's queue);
 2. read M = newest event_id, replay the visible events in (after, M] from the database;
 3. send `resumed` with M, then drain the buffer, skipping anything <= the last event_id handled.
Writes commit in event_id order and are published after commit, so every event is either in the
replay (committed before step 2) or in the buffer (published after step 1), and event_id dedupes
the overlap. If `after` is older than the oldest kept event, the client gets `reset` instead.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, WebSocket
from sqlalchemy import ColumnElement, true
from starlette.websockets import WebSocketState

from chatdesk.protocol import events as ev

from ..context import ServerContext
from ..eventlog.hub import Subscriber
from ..eventlog.log import E, EventRow, operator_filter
from ..security import priority
from ..security.limits import admit_visitor_stream
from ..security.passwords import token_hash
from ..security.tokens import actor_for_token, visitor_for_token
from ..services import typing
from ..storage import rows as queries
from . import queue_watch

log = logging.getLogger("chatdesk.server.stream")
router = APIRouter()
CLOSE_UNAUTHORIZED, CLOSE_OVERLOADED = 4401, 1013


class Closed(Exception):
    pass


async def _receive(ws: WebSocket) -> dict[str, Any] | None:
    """The next JSON object frame; None for a frame that is not one. Raises Closed."""
    msg = await ws.receive()
    if msg["type"] == "websocket.disconnect":
        raise Closed
    raw = msg.get("text") if msg.get("text") is not None else msg.get("bytes")
    if raw is None:
        return None
    try:
        frame = json.loads(raw)
    except (TypeError, ValueError, RecursionError):     # RecursionError: nested too deeply
        return None
    return frame if isinstance(frame, dict) else None


async def _authenticate(ws: WebSocket, check: Callable[[dict], Awaitable[Any]], *, staff: bool) -> Any:
    ctx: ServerContext = ws.app.state.ctx
    try:
        frame = await asyncio.wait_for(_receive(ws), ctx.config.auth_timeout)
    except (TimeoutError, Closed):
        frame = None
    who = await check(frame) if frame and frame.get("type") == ev.AUTH else None
    if who is not None:
        priority.authenticated(ws.scope, staff=staff)     # no longer idle; staff leave the caps
    else:
        with contextlib.suppress(Exception):
            await ws.send_json({"type": ev.ERROR, "error": "unauthorized",
                                "message": "The first frame must be an auth frame with a valid token."})
            await ws.close(CLOSE_UNAUTHORIZED)
    return who


async def _serve(ws: WebSocket, ctx: ServerContext, sub: Subscriber, *, where: Callable[[], ColumnElement[bool]],
                 to_frame: Callable[[EventRow], dict], on_frame: Callable[[dict], Awaitable[None]]) -> None:
    # `where` builds the stream's filter at each replay: an SQL expression kept for the stream's
    # life is a reference cycle, freed only by a full collection after the stream ends (gc_tuning.py).
    send_lock = asyncio.Lock()
    started = asyncio.Event()
    resume: dict[str, int] = {}

    async def send(obj: dict) -> None:
        async with send_lock:
            await ws.send_text(json.dumps(obj))

    async def reader() -> None:
        while True:
            frame = await _receive(ws)
            if frame is None:
                await send({"type": ev.ERROR, "error": "bad_frame", "message": "Frames must be JSON objects."})
                continue
            kind = frame.get("type")
            if kind == ev.RESUME and not started.is_set():
                after = frame.get("after", 0)
                if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                    await send({"type": ev.ERROR, "error": "bad_frame",
                                "message": "'after' must be a whole number of 0 or more."})
                    continue
                resume["after"] = after
            elif kind == ev.PING:
                await send({"type": ev.PONG})
            elif kind not in (ev.RESUME, ev.PONG):
                await on_frame(frame)
            started.set()        # any first frame other than resume means: live from now

    async def writer() -> None:
        await started.wait()
        last = 0
        if "after" in resume:
            last = await _replay(ctx, resume["after"], where, to_frame, send)
        while True:
            item = await sub.queue.get()
            if item is None and sub.revoked:
                await send({"type": ev.ERROR, "error": "unauthorized", "message": "You logged out."})
                await ws.close(CLOSE_UNAUTHORIZED)
                return
            if item is None:     # this client fell too far behind; it will resume on reconnect
                await ws.close(CLOSE_OVERLOADED)
                return
            if isinstance(item, dict):
                await send(item)
            elif item.event_id > last:
                async with send_lock:
                    await ws.send_text(_frame_text(item, to_frame))
                last = item.event_id

    tasks = [asyncio.create_task(reader()), asyncio.create_task(writer())]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for t in done:
            exc = t.exception()
            if exc and not isinstance(exc, (Closed, RuntimeError, OSError)) \
                    and type(exc).__name__ not in ("WebSocketDisconnect", "ClientDisconnected"):
                log.error("stream task failed", exc_info=exc)
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if ws.application_state != WebSocketState.DISCONNECTED:
            with contextlib.suppress(Exception):
                await ws.close()


def _frame_text(row: EventRow, to_frame: Callable[[EventRow], dict]) -> str:
    """The frame as JSON, made once per event and audience and shared by every subscriber: one
    json.dumps per subscriber was most of the fan-out cost (bench/)."""
    texts = row.__dict__.setdefault("_texts", {})     # EventRow is frozen; this is only a cache
    text = texts.get(to_frame)
    if text is None:
        text = texts[to_frame] = json.dumps(to_frame(row))
    return text


async def _replay(ctx: ServerContext, after: int, where: Callable[[], ColumnElement[bool]], to_frame, send) -> int:
    lo, hi = await ctx.store.log_bounds()
    too_old = lambda low: after < hi and low and after < low - 1  # noqa: E731
    if after > hi or too_old(lo):
        await send({"type": ev.RESET, "event_id": hi})
        return hi
    rows = await ctx.store.replay(after, hi, where())
    lo_after, _ = await ctx.store.log_bounds()
    if too_old(lo_after):        # pruned while we were reading: part of the replay is missing
        await send({"type": ev.RESET, "event_id": hi})
        return hi
    for row in rows:
        await send(to_frame(row))
    await send({"type": ev.RESUMED, "event_id": hi})
    return hi


# --- operators ------------------------------------------------------------------------------------

@router.websocket("/stream")
async def operator_stream(ws: WebSocket) -> None:
    ctx: ServerContext = ws.app.state.ctx
    await ws.accept()
    token: list[str] = []

    async def check(frame: dict):
        value = frame.get("token")
        token.append(value if isinstance(value, str) else "")
        return await actor_for_token(ctx.db, token[-1] or None)

    actor = await _authenticate(ws, check, staff=True)
    if actor is None:
        return
    sub = Subscriber(accepts=lambda row: row.visible_to(actor), actor=actor, token_hash=token_hash(token[-1]))
    ctx.hub.subscribe(sub)
    try:
        async with ctx.store.read() as conn:
            me = await queries.operator(conn, actor.id)
        await ws.send_json({"type": "ready", "operator": me})

        async def on_frame(frame: dict) -> None:
            if frame.get("type") == ev.TYPING:
                await typing.operator_typing(ctx, actor, frame)

        await _serve(ws, ctx, sub, where=lambda: operator_filter(actor), to_frame=EventRow.frame, on_frame=on_frame)
    except Exception as exc:  # noqa: BLE001 - a dropped client is not a server error
        if type(exc).__name__ not in ("WebSocketDisconnect", "ClientDisconnected"):
            log.debug("operator stream ended: %r", exc)
    finally:
        ctx.hub.unsubscribe(sub)


# --- visitors -------------------------------------------------------------------------------------

@router.websocket("/visitor/stream")
async def visitor_stream(ws: WebSocket) -> None:
    ctx: ServerContext = ws.app.state.ctx
    if not await admit_visitor_stream(ws):      # origin allowlist, address rate (limits.py)
        return
    await ws.accept()
    vid = await _authenticate(ws, lambda f: visitor_for_token(ctx.db, f.get("visitor_token")
                                                              if isinstance(f.get("visitor_token"), str) else None),
                              staff=False)
    if vid is None:
        return
    sub = Subscriber(accepts=lambda row: row.visitor_id == vid, visitor_id=vid)
    ctx.hub.subscribe(sub)
    ctx.visitor_activity[vid] = time.time()
    try:
        await ws.send_json({"type": "ready", "visitor_id": vid})
        queue_watch.offer_on_connect(sub, await queue_watch.frame_for(ctx, vid))   # sent after the resume

        async def on_frame(frame: dict) -> None:
            ctx.visitor_activity[vid] = time.time()
            if frame.get("type") == ev.TYPING and not await ws.app.state.limits.visitor.take(vid):
                text = frame.get("text")
                await typing.visitor_typing(ctx, vid, bool(frame.get("is_typing")), text if isinstance(text, str) else "")

        await _serve(ws, ctx, sub, where=lambda: (E.c.visitor_id == vid) & true(), to_frame=EventRow.visitor_frame,
                     on_frame=on_frame)
    except Exception as exc:  # noqa: BLE001
        if type(exc).__name__ not in ("WebSocketDisconnect", "ClientDisconnected"):
            log.debug("visitor stream ended: %r", exc)
    finally:
        ctx.hub.unsubscribe(sub)
        ctx.visitor_activity[vid] = time.time()   # the missed-chat timeout counts from leaving
