"""A website visitor over the real visitor API (plain httpx), for the desk's end-to-end tests."""
from __future__ import annotations

import uuid

import httpx


class WebVisitor:
    def __init__(self, base_url: str) -> None:
        self.http = httpx.AsyncClient(base_url=base_url + "/api/v1", timeout=20)
        self.visitor_id: str | None = None
        self.cid: int | None = None

    async def _ok(self, method: str, path: str, body: dict | None = None) -> dict:
        r = await self.http.request(method, path, json=body)
        assert r.status_code < 300, f"{method} {path} -> {r.status_code} {r.text}"
        return r.json()

    async def arrive(self, url: str = "https://shop.test/", title: str = "Shop", referrer: str = "") -> "WebVisitor":
        s = await self._ok("POST", "/visitor/sessions", {"url": url, "title": title, "referrer": referrer})
        self.visitor_id = s["visitor_id"]
        self.http.headers["Authorization"] = f"Bearer {s['visitor_token']}"
        return self

    async def view(self, url: str, title: str) -> None:
        await self._ok("POST", "/visitor/pageviews", {"url": url, "title": title})

    async def start_chat(self, body: str, name: str | None = None) -> int:
        r = await self._ok("POST", "/visitor/conversations",
                           {"client_msg_id": uuid.uuid4().hex, "body": body, "name": name})
        self.cid = r["conversation"]["id"]
        return self.cid

    async def say(self, body: str) -> None:
        await self._ok("POST", f"/visitor/conversations/{self.cid}/messages",
                       {"client_msg_id": uuid.uuid4().hex, "body": body})

    async def transcript(self) -> list[dict]:
        r = await self._ok("GET", f"/visitor/conversations/{self.cid}")
        return r.get("messages", [])

    async def close(self) -> None:
        await self.http.aclose()


class VisitorStream:
    """The visitor's websocket: collects frames (typing signals, messages) in the background."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.frames: list[dict] = []
        self._task = None

    @classmethod
    async def open(cls, base_ws_url: str, visitor: WebVisitor) -> "VisitorStream":
        import asyncio
        import json

        from websockets.asyncio.client import connect
        token = visitor.http.headers["Authorization"].removeprefix("Bearer ")
        ws = await connect(base_ws_url + "/api/v1/visitor/stream", proxy=None)
        await ws.send(json.dumps({"type": "auth", "visitor_token": token}))
        await ws.send(json.dumps({"type": "resume", "after": 0}))
        stream = cls(ws)

        async def pump() -> None:
            async for raw in ws:
                stream.frames.append(json.loads(raw))
        stream._task = asyncio.create_task(pump())
        return stream

    async def typing(self, is_typing: bool, text: str = "") -> None:
        import json
        await self.ws.send(json.dumps({"type": "typing", "is_typing": is_typing, "text": text}))

    async def close(self) -> None:
        await self.ws.close()
        if self._task is not None:
            self._task.cancel()
