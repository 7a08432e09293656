"""The operator side over real HTTP: an httpx client on /api/v1 with a bearer token, and an operator
account made through the real CLI."""
from __future__ import annotations

import asyncio
import uuid
from typing import Any, Protocol

import httpx

from tests.support.accounts import unique_email


class HasUrl(Protocol):
    @property
    def url(self) -> str: ...


Target = str | HasUrl        # a base URL, or a server (or proxy) with a `.url`


def new_id() -> str:
    return uuid.uuid4().hex


class Api:
    """An httpx client on /api/v1 with a bearer token; methods return the response."""

    def __init__(self, target: Target, token: str | None = None, *, timeout: float = 20.0) -> None:
        base = target if isinstance(target, str) else target.url
        self.base_ws_url = "ws" + base.removeprefix("http")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.AsyncClient(base_url=base + "/api/v1", headers=headers, timeout=timeout)
        self.token = token

    async def close(self) -> None:
        await self.http.aclose()

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        return await self.http.get(path, **kw)

    async def post(self, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        return await self.http.post(path, json=json if json is not None else {}, **kw)

    async def ok(self, method: str, path: str, json: Any = None) -> Any:
        r = await self.http.request(method, path, json=json)
        assert r.status_code < 300, f"{method} {path} -> {r.status_code} {r.text}"
        return r.json()


class Operator(Api):
    email: str
    id: int

    def __init__(self, srv: Any, token: str, name: str = "") -> None:
        super().__init__(srv, token)
        self.srv, self.name = srv, name

    @classmethod
    async def create(cls, srv: Any, email: str, **kw: Any) -> Operator:
        """Adds the operator through the real CLI. The e-mail gets a unique tag so that tests can
        share one server."""
        local, _, domain = email.partition("@")
        email = unique_email(local, domain)
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


async def operators(srv: Any, *names: str, **kw: Any) -> list[Operator]:
    """Several operators at once (the CLI calls run in parallel)."""
    return list(await asyncio.gather(*(Operator.create(srv, f"{n}@example.com", **kw) for n in names)))
