"""A website visitor that survives a bad network the way the widget does: REST calls retried with the
same client_msg_id until the server answers, and a websocket that reconnects and resumes after the
last event_id it applied (a replayed event is skipped; `reset` reloads the transcript over REST).

It records what it saw so a test can prove "exactly once, in order": `received` (messages in the
order the stream delivered them, after the resume logic), `frames` (every event frame as it came,
before dedupe), `duplicates` (a message delivered again with a new event_id: a server bug).
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from typing import Any

import httpx

log = logging.getLogger(__name__)
RETRY_FOR = 60.0            # a REST call keeps trying this long (the server may be restarting)


class Unreachable(AssertionError):
    pass


class ResumingVisitor:
    def __init__(self, base_url: str, ws_url: str, *, http_timeout: float = 1.0,
                 ping_interval: float = 0.5):
        self.http = httpx.AsyncClient(base_url=base_url + "/api/v1", timeout=http_timeout)
        self.ws_url = ws_url + "/api/v1/visitor/stream"
        self.ping_interval = ping_interval
        self.token = ""
        self.visitor_id = ""
        self.cid: int | None = None
        self.last_event_id = 0
        self.received: list[dict] = []        # message.created data, in delivery order, once each
        self.frames: list[dict] = []          # every event frame as it arrived (replays included)
        self.duplicates: list[dict] = []
        self.replayed = 0                     # frames skipped because event_id <= last applied
        self.resets = 0
        self.connections = 0
        self.live = False
        self.acked: list[dict] = []           # messages the server answered 2xx for, in order
        self._seen: set[int] = set()
        self._from_rest: set[int] = set()
        self._task: asyncio.Task | None = None

    # --- REST, retried like the widget retries --------------------------------------------------
    async def _call(self, method: str, path: str, body: dict | None = None) -> Any:
        deadline, delay = time.monotonic() + RETRY_FOR, 0.05
        while True:
            try:
                r = await self.http.request(method, path, json=body)
                if r.status_code < 500:
                    assert r.status_code < 300, f"{method} {path} -> {r.status_code} {r.text}"
                    return r.json()
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise Unreachable(f"{method} {path}: no answer within {RETRY_FOR}s")
            await asyncio.sleep(delay)           # backoff between attempts, as the widget does
            delay = min(delay * 2, 0.5)

    async def arrive(self) -> "ResumingVisitor":
        s = await self._call("POST", "/visitor/sessions",
                             {"url": "https://shop.test/kettle", "title": "Kettle", "referrer": ""})
        self.token, self.visitor_id = s["visitor_token"], s["visitor_id"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"
        return self

    async def open_chat(self, body: str) -> int:
        r = await self._call("POST", "/visitor/conversations",
                             {"client_msg_id": uuid.uuid4().hex, "body": body, "name": "Maria"})
        self.cid = r["conversation"]["id"]
        self.acked.append(r["message"])
        return self.cid

    async def say(self, body: str) -> dict:
        msg = await self._call("POST", f"/visitor/conversations/{self.cid}/messages",
                               {"client_msg_id": uuid.uuid4().hex, "body": body})
        self.acked.append(msg)
        return msg

    async def transcript(self) -> list[dict]:
        return (await self._call("GET", f"/visitor/conversations/{self.cid}"))["messages"]

    # --- the websocket, resumed after the last applied event ------------------------------------
    def start_stream(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import WebSocketException

        delay = 0.1
        while True:
            try:
                async with connect(self.ws_url, proxy=None, open_timeout=2, close_timeout=0.5,
                                   ping_interval=self.ping_interval, ping_timeout=self.ping_interval) as ws:
                    self.connections += 1
                    await ws.send(json.dumps({"type": "auth", "visitor_token": self.token}))
                    async for raw in ws:
                        if await self._on_frame(ws, json.loads(raw)):
                            delay = 0.1
            except asyncio.CancelledError:
                raise
            except (TimeoutError, OSError, WebSocketException, ValueError) as e:
                log.debug("visitor stream dropped: %r", e)
            self.live = False
            await asyncio.sleep(delay)            # reconnect backoff
            delay = min(delay * 2, 1.0)

    async def _on_frame(self, ws, f: dict) -> bool:
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
            self.frames.append(f)
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

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.http.aclose()
