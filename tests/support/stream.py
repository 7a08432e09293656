"""A raw websocket stream (operator or visitor), authenticated and resumed, read frame by frame: for
tests that look at the protocol itself. A visitor that keeps its stream up is support/visitor.py."""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable

from websockets.asyncio.client import connect


class Stream:
    """A websocket stream, authenticated and resumed; collects frames as they arrive."""

    def __init__(self, ws, ready: dict):
        self.ws, self.ready = ws, ready
        self.frames: list[dict] = []
        self.resume_answer: dict | None = None

    @classmethod
    async def open(cls, srv, *, token: str | None = None, visitor_token: str | None = None,
                   after: int | None = 0) -> "Stream":
        path = "/api/v1/stream" if token else "/api/v1/visitor/stream"
        ws = await connect(srv.ws_url + path, proxy=None, max_size=None)
        auth = {"type": "auth", "token": token} if token else {"type": "auth", "visitor_token": visitor_token}
        await ws.send(json.dumps(auth))
        ready = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert ready["type"] == "ready", ready
        stream = cls(ws, ready)
        if after is not None:
            await ws.send(json.dumps({"type": "resume", "after": after}))
            stream.resume_answer = await stream.next(lambda f: f["type"] in ("resumed", "reset"))
        return stream

    async def next(self, match: Callable[[dict], bool] = lambda f: True, timeout: float = 10.0) -> dict:
        """The next frame that matches (frames before it are kept in self.frames too)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching frame within {timeout}s; got {self.frames[-5:]}")
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), remaining))
            self.frames.append(frame)
            if match(frame):
                return frame

    async def event(self, type_: str, cid: int | None = None, timeout: float = 10.0) -> dict:
        return await self.next(lambda f: f["type"] == type_ and (cid is None or f.get("conversation_id") == cid),
                               timeout)

    def events(self) -> list[dict]:
        return [f for f in self.frames if "event_id" in f and f["type"] not in ("resumed", "reset")]

    def live_events(self) -> list[dict]:
        """Events that arrived after the replay (event_id above the `resumed` mark)."""
        mark = (self.resume_answer or {}).get("event_id", 0)
        return [f for f in self.events() if f["event_id"] > mark]

    async def close(self) -> None:
        await self.ws.close()


async def live_stream(srv, token: str) -> Stream:
    """An operator stream from now on (a first frame other than resume means live from now)."""
    stream = await Stream.open(srv, token=token, after=None)
    await stream.ws.send('{"type": "ping"}')
    await stream.next(lambda f: f["type"] == "pong")
    return stream
