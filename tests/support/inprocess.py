"""The server's services in this process against a real SQLite file (with `--db-engine=postgres`,
a fresh database of the session's Postgres cluster), with a clock the test
moves instead of sleeping: for rules that wait 20 seconds on a page, attribution windows of days
and simulations of thousands of visits. Everything else about the server is the real thing (the
same migrations, store, event log and services the HTTP routes call)."""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from chatdesk.server.accounts_cli import create_on_postgres, create_user
from chatdesk.server.config import ServerConfig
from chatdesk.server.context import ServerContext
from chatdesk.server.eventlog.hub import Hub
from chatdesk.server.eventlog.log import Store
from chatdesk.server.security.tokens import Actor
from chatdesk.server.services import accounts, browsing, openers, orders, visitor_side
from chatdesk.server.storage import schema
from chatdesk.server.storage.engine import open_database
from chatdesk.server.storage.migrations import migrate_async

from . import postgres


@dataclass
class Clock:
    now: float = field(default_factory=time.time)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Site:
    """`async with Site(path) as site:` then `site.ctx` is a ServerContext on that file."""

    def __init__(self, path: Path, **config: Any) -> None:
        self.path = path if not postgres.on_postgres() else postgres.fresh_database()
        self.config = ServerConfig(db_path=self.path, **config)
        self.clock = Clock()
        self.ctx: ServerContext

    async def __aenter__(self) -> "Site":
        db = open_database(self.path)
        await migrate_async(db)
        hub = Hub()
        self.ctx = ServerContext(config=self.config, store=Store(db, hub), hub=hub, clock=self.clock)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ctx.db.close()
        self.ctx.logins.close()

    async def operator(self, name: str, *, role: str = "operator", max_chats: int = 4,
                       departments: tuple[str, ...] = (), online: bool = True) -> Actor:
        """An account made as `chatdesk user add` makes it, then set online through the service."""
        email = f"{name.lower()}@example.com"
        account = dict(email=email, name=name, role=role, max_chats=max_chats, departments=list(departments),
                       password="secret-pass-1")
        if postgres.on_postgres():      # the same function `chatdesk user add --db postgresql://…` calls
            await create_on_postgres(str(self.path), **account)
        else:
            create_user(self.path, **account)
        async with self.ctx.db.read() as conn:
            oid = (await conn.execute(select(schema.operators.c.id).where(schema.operators.c.email == email))).scalar_one()
        if online:
            await accounts.set_status(self.ctx, oid, "online")
        return Actor(oid, name, role)


class InProcessShopSite:
    """A simulated shopper's connection (simulator.shopper.ShopSite) calling the services the
    visitor routes call, with the site's clock: `wait` moves it instead of sleeping."""

    def __init__(self, site: Site, address: str = "127.0.0.1") -> None:
        self.site, self.ctx, self.address = site, site.ctx, address
        self.vid = ""
        self.conversation_id: int | None = None

    async def arrive(self, url: str, title: str, referrer: str) -> None:
        s = await visitor_side.start_session(self.ctx, visitor_id=None, url=url, title=title, referrer=referrer)
        self.vid = s["visitor_id"]

    async def view(self, url: str, title: str) -> dict[str, Any]:
        await visitor_side.pageview(self.ctx, self.vid, url, title, "")
        return await self.heartbeat()

    async def heartbeat(self) -> dict[str, Any]:
        browsing.still_here(self.ctx, self.vid)
        invite, check_in = await openers.decide(self.ctx, self.vid)
        return {"ok": True, "invite": invite, "check_in": check_in}

    async def event(self, body: dict[str, Any]) -> dict[str, Any]:
        if body["type"] == "cart":
            await orders.cart(self.ctx, self.vid, body["value"], body.get("currency", ""), body.get("items", 0))
            return {"ok": True}
        return {"ok": True, "order": await orders.order(self.ctx, self.vid, body["id"], body["value"],
                                                        body.get("currency", ""))}

    async def invite_seen(self, invite_id: int, action: str) -> None:
        await openers.report(self.ctx, self.vid, invite_id, action)

    async def reply(self, invite_id: int, body: str) -> None:
        started = await openers.reply(self.ctx, self.vid, invite_id, client_msg_id=uuid.uuid4().hex, body=body,
                                      name=None, address=self.address)
        self.conversation_id = started["conversation"]["id"]

    async def leave(self) -> None:
        if self.conversation_id is not None:
            async with self.ctx.store.tx() as tx:
                await visitor_side.close(tx, self.vid, self.conversation_id)

    async def wait(self, seconds: float) -> None:
        self.site.clock.advance(seconds)
