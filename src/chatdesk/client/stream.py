"""EventStream: the one long-lived websocket to the operator stream.

connect -> auth -> resume after the last applied event_id -> replay -> live; on any drop, reconnect
with backoff (0.2 s doubling to 5 s, with jitter) and resume again. The token travels in the first
frame, never in the URL.

A desk's session loads its snapshot first (GET /desk carries the newest event it includes) and
the first connection resumes after that event. Without one, the first connection asks to resume
"from now" (an `after` beyond the newest event): the server answers `reset`, and `on_reset` loads
the REST snapshot while the server holds newer events for us. A `reset` later (we were away longer
than the server keeps events) does the same.
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from chatdesk.protocol import events as ev
from chatdesk.protocol.limits import MAX_ID

from .backoff import pause_or_wake

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

log = logging.getLogger(__name__)

FROM_NOW = MAX_ID             # "after" beyond any event id: the server answers reset(newest)
BACKOFF_START, BACKOFF_MAX = 0.2, 5.0
States = ("connecting", "live", "reconnecting", "offline")


class StreamUnauthorized(Exception):
    """The server refused the token; reconnecting will not help."""


class EventStream:
    def __init__(self, ws_url: str, token: str,
                 on_event: Callable[[dict[str, Any]], None],
                 on_state: Callable[[str], None],
                 *, last_event_id: Callable[[], int | None] = lambda: None,
                 on_reset: Callable[[int], Awaitable[None]] | None = None,
                 on_resumed: Callable[[int], None] | None = None,
                 on_unauthorized: Callable[[str], None] | None = None,
                 ping_interval: float = 10.0):
        """`last_event_id()` returns where to resume, or None for "from now" (first connection).
        `on_reset(event_id)` reloads everything over REST; events keep flowing after it returns.
        `on_resumed(event_id)`: the replay is complete up to event_id."""
        self.ws_url = ws_url
        self.token = token
        self.on_event, self.on_state = on_event, on_state
        self._last_event_id, self._on_reset = last_event_id, on_reset
        self._on_resumed, self._on_unauthorized = on_resumed, on_unauthorized
        self._ping_interval = ping_interval
        self.state = "offline"
        self.connections = 0          # how many times a connection went live (for tests and status)
        self._ws: ClientConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    # --- public --------------------------------------------------------------------------------
    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="chatdesk-stream")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await self._close_ws()
        self._set_state("offline")

    async def send_typing(self, conversation_id: int, is_typing: bool) -> bool:
        """Ephemeral; dropped when not connected (typing is not worth queueing)."""
        return await self._send({"type": ev.TYPING, "conversation_id": conversation_id,
                                 "is_typing": bool(is_typing)})

    def drop(self) -> None:
        """Cut the current connection as a network failure would (the stream reconnects)."""
        ws = self._ws
        if ws is None:
            return
        transport = getattr(ws, "transport", None)
        if transport is not None:
            transport.abort()
        else:
            asyncio.get_running_loop().create_task(ws.close())

    def reconnect_now(self) -> None:
        """Skip the rest of the current backoff wait."""
        self._wake.set()

    # --- the loop ------------------------------------------------------------------------------
    async def _run(self) -> None:
        from websockets.exceptions import InvalidStatus, WebSocketException  # lazy: start-up speed

        delay = BACKOFF_START
        first = True
        while True:
            self._set_state("connecting" if first else "reconnecting")
            try:
                await self._connect_once()
            except asyncio.CancelledError:
                raise
            except StreamUnauthorized as e:
                self._set_state("offline")
                if self._on_unauthorized is not None:
                    self._on_unauthorized(str(e))
                return
            except (TimeoutError, OSError, WebSocketException, InvalidStatus, ValueError) as e:
                log.info("stream dropped: %r", e)
            except Exception as e:    # e.g. the snapshot failed in on_reset; never end the stream for it
                log.warning("stream interrupted: %s", e, exc_info=log.isEnabledFor(logging.DEBUG))
            finally:
                await self._close_ws()
            if self.state == "live":
                delay = BACKOFF_START      # it worked for a while: start the backoff afresh
            first = False
            self._set_state("reconnecting")
            await self._sleep(delay)
            delay = min(delay * 2, BACKOFF_MAX)

    async def _connect_once(self) -> None:
        from websockets.asyncio.client import connect

        self._ws = ws = await connect(self.ws_url, open_timeout=10, ping_interval=self._ping_interval,
                                      ping_timeout=self._ping_interval, max_size=2 ** 22,
                                      close_timeout=1)
        await ws.send(json.dumps({"type": ev.AUTH, "token": self.token}))
        ready = await self._recv(ws, timeout=10)
        if ready.get("type") == ev.ERROR:
            raise StreamUnauthorized(str(ready.get("message") or "The server refused the token."))
        if ready.get("type") != "ready":
            raise ValueError(f"expected ready, got {ready.get('type')!r}")
        after = self._last_event_id()
        await ws.send(json.dumps({"type": ev.RESUME, "after": FROM_NOW if after is None else after}))
        while True:
            frame = await self._recv(ws)
            kind = frame.get("type")
            if kind == ev.RESUMED:
                if self._on_resumed is not None:
                    self._on_resumed(int(frame.get("event_id") or 0))
                self._went_live()
            elif kind == ev.RESET:
                if self._on_reset is not None:
                    await self._on_reset(int(frame.get("event_id") or 0))
                self._went_live()
            elif kind == ev.PING:
                await ws.send(json.dumps({"type": ev.PONG}))
            elif kind == ev.ERROR:
                log.warning("stream error frame: %s", frame.get("message"))
            elif kind not in (ev.PONG, "ready"):
                self.on_event(frame)

    async def _recv(self, ws: ClientConnection, timeout: float | None = None) -> dict[str, Any]:
        """The next JSON object frame (anything else is skipped)."""
        while True:
            raw = await (asyncio.wait_for(ws.recv(), timeout) if timeout else ws.recv())
            try:
                frame = json.loads(raw)
            except ValueError:
                continue
            if isinstance(frame, dict):
                return frame

    def _went_live(self) -> None:
        if self.state != "live":
            self.connections += 1
            self._set_state("live")

    async def _send(self, frame: dict[str, Any]) -> bool:
        ws = self._ws
        if ws is None or self.state != "live":
            return False
        try:
            await ws.send(json.dumps(frame))
            return True
        except Exception:  # noqa: BLE001 - the reader notices the drop and reconnects
            return False

    async def _close_ws(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            try:
                await asyncio.wait_for(ws.close(), 2)
            except Exception:  # noqa: BLE001 - already gone
                pass

    async def _sleep(self, delay: float) -> None:
        await pause_or_wake(self._wake, delay)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            try:
                self.on_state(state)
            except Exception:  # noqa: BLE001
                log.exception("on_state callback failed")
