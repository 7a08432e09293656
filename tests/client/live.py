"""Helpers for client tests against the real server: a scripted visitor over real HTTP, a desk
session in a temporary state dir, and waiting for a condition with a deadline."""
from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

import httpx

from chatdesk.client.session import DeskSession


async def wait_for(predicate: Callable[[], object], timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.02)


class ScriptedVisitor:
    """A website visitor, through the same endpoints the widget uses."""

    def __init__(self, base_url: str):
        self.http = httpx.AsyncClient(base_url=base_url + "/api/v1", timeout=10)
        self.token = ""
        self.visitor_id = ""

    async def arrive(self, url: str = "https://shop.example/kettle", title: str = "Blue kettle") -> "ScriptedVisitor":
        r = await self.http.post("/visitor/sessions", json={"url": url, "title": title, "referrer": ""})
        r.raise_for_status()
        self.token, self.visitor_id = r.json()["visitor_token"], r.json()["visitor_id"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"
        return self

    async def open_chat(self, body: str, name: str | None = None) -> int:
        r = await self.http.post("/visitor/conversations",
                                 json={"client_msg_id": uuid.uuid4().hex, "body": body, "name": name})
        r.raise_for_status()
        return r.json()["conversation"]["id"]

    async def say(self, cid: int, body: str) -> dict:
        for _ in range(200):      # the server may be restarting under us: retry like the widget does
            try:
                r = await self.http.post(f"/visitor/conversations/{cid}/messages",
                                         json={"client_msg_id": uuid.uuid4().hex, "body": body})
                r.raise_for_status()
                return r.json()
            except httpx.TransportError:
                await asyncio.sleep(0.05)
        raise AssertionError("the server did not come back")

    async def transcript(self, cid: int) -> list[dict]:
        r = await self.http.get(f"/visitor/conversations/{cid}")
        r.raise_for_status()
        return r.json()["messages"]

    async def typing(self, text: str) -> None:
        (await self.http.post("/visitor/typing", json={"is_typing": True, "text": text})).raise_for_status()

    async def aclose(self) -> None:
        await self.http.aclose()


async def started_session(srv, token: str, state_dir) -> DeskSession:
    session = DeskSession(srv.url, token, state_dir=state_dir)
    await session.start()
    return session
