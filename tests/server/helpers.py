"""Short helpers for the repeated visitor and operator steps, over real HTTP and websockets."""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from websockets.asyncio.client import connect


async def operators(srv, *names: str, **kw) -> list["Operator"]:
    """Several operators at once (the CLI calls run in parallel)."""
    return list(await asyncio.gather(*(Operator.create(srv, f"{n}@example.com", **kw) for n in names)))


def new_id() -> str:
    return uuid.uuid4().hex


async def wait_for(check: Callable[[], Awaitable[Any]], what: str, timeout: float = 30.0) -> Any:
    """Poll until check() returns something truthy; fail with `what` after the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


class Api:
    """An httpx client on /api/v1 with a bearer token; methods return the response."""

    def __init__(self, srv, token: str | None = None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.AsyncClient(base_url=srv.url + "/api/v1", headers=headers, timeout=20)
        self.token = token

    async def close(self) -> None:
        await self.http.aclose()

    async def get(self, path: str, **kw) -> httpx.Response:
        return await self.http.get(path, **kw)

    async def post(self, path: str, json: Any = None, **kw) -> httpx.Response:
        return await self.http.post(path, json=json if json is not None else {}, **kw)

    async def ok(self, method: str, path: str, json: Any = None) -> Any:
        r = await self.http.request(method, path, json=json)
        assert r.status_code < 300, f"{method} {path} -> {r.status_code} {r.text}"
        return r.json()


class Operator(Api):
    def __init__(self, srv, token: str, name: str = ""):
        super().__init__(srv, token)
        self.srv, self.name = srv, name

    @classmethod
    async def create(cls, srv, email: str, **kw) -> "Operator":
        """Adds the operator through the real CLI. The e-mail gets a unique tag so that tests can
        share one server."""
        local, _, domain = email.partition("@")
        email = f"{local}+{uuid.uuid4().hex[:8]}@{domain}"
        kw.setdefault("name", local.title())
        token = await asyncio.to_thread(srv.operator, email, **kw)
        op = cls(srv, token, kw["name"])
        op.email = email
        op.id = (await op.ok("GET", "/me"))["id"]
        return op

    async def accept(self, cid: int) -> httpx.Response:
        return await self.post(f"/conversations/{cid}/accept")

    async def say(self, cid: int, body: str, kind: str = "text", client_msg_id: str | None = None) -> dict:
        return await self.ok("POST", f"/conversations/{cid}/messages",
                             {"client_msg_id": client_msg_id or new_id(), "body": body, "kind": kind})

    async def detail(self, cid: int) -> httpx.Response:
        return await self.get(f"/conversations/{cid}")

    async def status(self, status: str) -> dict:
        return await self.ok("PUT", "/me/status", {"status": status})

    async def queue_ids(self) -> list[int]:
        return [e["conversation"]["id"] for e in (await self.ok("GET", "/queue"))["queue"]]


class Visitor(Api):
    @classmethod
    async def arrive(cls, srv, url: str = "https://shop.example/", title: str = "Shop",
                     visitor_id: str | None = None, referrer: str = "") -> "Visitor":
        anon = Api(srv)
        session = await anon.ok("POST", "/visitor/sessions", {"visitor_id": visitor_id, "url": url,
                                                              "title": title, "referrer": referrer})
        await anon.close()
        v = cls(srv, session["visitor_token"])
        v.srv, v.id, v.session, v.cid = srv, session["visitor_id"], session, session["conversation_id"]
        return v

    async def start_chat(self, body: str = "Hello, anyone there?", name: str | None = None) -> int:
        r = await self.ok("POST", "/visitor/conversations", {"client_msg_id": new_id(), "body": body, "name": name})
        self.cid = r["conversation"]["id"]
        return self.cid

    async def say(self, body: str, client_msg_id: str | None = None) -> dict:
        return await self.ok("POST", f"/visitor/conversations/{self.cid}/messages",
                             {"client_msg_id": client_msg_id or new_id(), "body": body})

    async def view(self, url: str, title: str = "") -> None:
        await self.ok("POST", "/visitor/pageviews", {"url": url, "title": title})


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
