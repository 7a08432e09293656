"""A website visitor over the real visitor API, the way the widget talks to the server: REST calls
(retried with the same client_msg_id while the server is away, when `retry_for` is set) and a
websocket that reconnects and resumes after the last event_id it applied (a replayed event is
skipped; `reset` reloads the transcript over REST).

It records what it saw so a test can prove "exactly once, in order": `received` (messages in the
order the stream delivered them, after the resume logic), `frames` (every frame as it came, before
dedupe), `duplicates` (a message delivered again with a new event_id: a server bug), `acked`
(messages the server answered 2xx for, in order).
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import httpx

from tests.support.api import Api, Target, new_id

log = logging.getLogger(__name__)


class Unreachable(AssertionError):
    pass


class Visitor(Api):
    def __init__(self, target: Target, *, timeout: float = 20.0, retry_for: float = 0.0,
                 ping_interval: float | None = None, open_timeout: float = 10.0) -> None:
        super().__init__(target, timeout=timeout)
        self.ws_url = self.base_ws_url + "/api/v1/visitor/stream"
        self.retry_for = retry_for
        self.ping_interval = ping_interval
        self.open_timeout = open_timeout
        self.id = ""
        self.session: dict[str, Any] = {}
        self.cid: int | None = None
        self.last_event_id = 0
        self.received: list[dict] = []        # message.created data, in delivery order, once each
        self.frames: list[dict] = []          # every frame as it arrived (replays included)
        self.duplicates: list[dict] = []
        self.replayed = 0                     # event frames skipped because event_id <= last applied
        self.resets = 0
        self.connections = 0
        self.live = False
        self.acked: list[dict] = []
        self._seen: set[int] = set()
        self._from_rest: set[int] = set()
        self._ws: Any = None
        self._task: asyncio.Task | None = None

    # --- REST -----------------------------------------------------------------------------------
    async def call(self, method: str, path: str, body: dict | None = None) -> Any:
        """One request that must succeed (2xx). With `retry_for`, a transport error or a 5xx is
        tried again with the same body, with backoff, for that many seconds."""
        if not self.retry_for:
            return await self.ok(method, path, body)
        deadline, delay = time.monotonic() + self.retry_for, 0.05
        while True:
            try:
                r = await self.http.request(method, path, json=body)
                if r.status_code < 500:
                    assert r.status_code < 300, f"{method} {path} -> {r.status_code} {r.text}"
                    return r.json()
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise Unreachable(f"{method} {path}: no answer within {self.retry_for}s")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.5)

    async def arrive(self, url: str = "https://shop.test/", title: str = "Shop", referrer: str = "",
                     visitor_id: str | None = None) -> Visitor:
        s = await self.call("POST", "/visitor/sessions", {"visitor_id": visitor_id, "url": url,
                                                          "title": title, "referrer": referrer})
        self.session, self.id, self.cid = s, s["visitor_id"], s["conversation_id"]
        self.token = s["visitor_token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"
        return self

    async def view(self, url: str, title: str = "") -> None:
        await self.call("POST", "/visitor/pageviews", {"url": url, "title": title})

    async def start_chat(self, body: str = "Hello, anyone there?", name: str | None = None) -> int:
        r = await self.call("POST", "/visitor/conversations", {"client_msg_id": new_id(), "body": body, "name": name})
        self.cid = r["conversation"]["id"]
        self.acked.append(r["message"])
        return self.cid

    async def say(self, body: str, client_msg_id: str | None = None) -> dict:
        msg = await self.call("POST", f"/visitor/conversations/{self.cid}/messages",
                              {"client_msg_id": client_msg_id or new_id(), "body": body})
        self.acked.append(msg)
        return msg

    async def transcript(self) -> list[dict]:
        return (await self.call("GET", f"/visitor/conversations/{self.cid}"))["messages"]

    async def typing(self, text: str) -> None:
        """The typing signal over REST (the widget's fallback when its socket is down)."""
        await self.call("POST", "/visitor/typing", {"is_typing": True, "text": text})

    # --- the websocket, resumed after the last applied event ------------------------------------
    def start_stream(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def open_stream(self, timeout: float = 10.0) -> None:
        """Start the stream and wait until it is live (resumed)."""
        self.start_stream()
        deadline = time.monotonic() + timeout
        while not self.live:
            if time.monotonic() > deadline:
                raise AssertionError(f"the visitor stream was not live within {timeout}s")
            await asyncio.sleep(0.02)

    async def stream_typing(self, is_typing: bool, text: str = "") -> None:
        """The typing signal (with the draft, the sneak peek) over the live websocket."""
        assert self._ws is not None and self.live, "the visitor stream is not live"
        await self._ws.send(json.dumps({"type": "typing", "is_typing": is_typing, "text": text}))

    async def _run(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import WebSocketException

        pings: dict[str, Any] = {}
        if self.ping_interval is not None:
            pings = {"ping_interval": self.ping_interval, "ping_timeout": self.ping_interval}
        delay = 0.1
        while True:
            try:
                async with connect(self.ws_url, proxy=None, open_timeout=self.open_timeout, close_timeout=0.5,
                                   **pings) as ws:
                    self.connections += 1
                    self._ws = ws
                    await ws.send(json.dumps({"type": "auth", "visitor_token": self.token}))
                    async for raw in ws:
                        if await self._on_frame(ws, json.loads(raw)):
                            delay = 0.1
            except asyncio.CancelledError:
                raise
            except (TimeoutError, OSError, WebSocketException, ValueError) as e:
                log.debug("visitor stream dropped: %r", e)
            self.live, self._ws = False, None
            await asyncio.sleep(delay)            # reconnect backoff
            delay = min(delay * 2, 1.0)

    async def _on_frame(self, ws: Any, f: dict) -> bool:
        self.frames.append(f)
        kind = f.get("type")
        if kind == "ready":
            await ws.send(json.dumps({"type": "resume", "after": self.last_event_id}))
        elif kind == "resumed":
            self.last_event_id = max(self.last_event_id, f["event_id"])
            self.live = True
            return True
        elif kind == "reset":
            self.resets += 1
            for m in await self.transcript():     # REST fills the gap; message ids dedupe
                self._take(m, from_rest=True)
            self.last_event_id = f["event_id"]
            self.live = True
            return True
        elif isinstance(f.get("event_id"), int):
            if f["event_id"] <= self.last_event_id:
                self.replayed += 1
                return False
            self.last_event_id = f["event_id"]
            if kind == "message.created":
                self._take(f["data"])
        return False

    def _take(self, msg: dict, from_rest: bool = False) -> None:
        """Once per message id. After a reset the REST transcript and the live stream overlap (a
        message newer than the reset mark is in both): that is expected, not a duplicate. The
        stream delivering the same message twice under two event ids would be one."""
        if msg["id"] in self._seen:
            if not from_rest and msg["id"] not in self._from_rest:
                self.duplicates.append(msg)
            return
        self._seen.add(msg["id"])
        if from_rest:
            self._from_rest.add(msg["id"])
        self.received.append(msg)

    def bodies(self, author: str | None = None) -> list[str]:
        return [m["body"] for m in self.received if author is None or m["author_type"] == author]

    async def close_stream(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def close(self) -> None:
        await self.close_stream()
        await super().close()
