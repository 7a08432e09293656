"""The server's services in this process against a real SQLite file, with a clock the test
moves instead of sleeping: for rules that wait 20 seconds on a page, attribution windows of days
and simulations of thousands of visits. Everything else about the server is the real thing (the
same migrations, store, event log and services the HTTP routes call)."""
from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatdesk.server.accounts_cli import create_user
from chatdesk.server.config import ServerConfig
from chatdesk.server.context import ServerContext
from chatdesk.server.eventlog.hub import Hub
from chatdesk.server.eventlog.log import Store
from chatdesk.server.security.tokens import Actor
from chatdesk.server.services import accounts
from chatdesk.server.storage.db import Database
from chatdesk.server.storage.migrations import migrate_async


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
        self.path, self.config = path, ServerConfig(db_path=path, **config)
        self.clock = Clock()
        self.ctx: ServerContext

    async def __aenter__(self) -> "Site":
        db = Database(self.path)
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
        create_user(self.path, email=email, name=name, role=role, max_chats=max_chats,
                    departments=list(departments), password="secret-pass-1")
        with sqlite3.connect(self.path) as db:
            oid = db.execute("SELECT id FROM operators WHERE email = ?", (email,)).fetchone()[0]
        if online:
            await accounts.set_status(self.ctx, oid, "online")
        return Actor(oid, name, role)
