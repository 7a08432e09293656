"""The FastAPI application: routes under /api/v1, the two websocket streams, error shapes, the
demo shop and visitor widget as static files, and the background router."""
from __future__ import annotations

import asyncio
import contextlib
from contextlib import asynccontextmanager

from fastapi import FastAPI

from . import background, errors
from .config import ServerConfig
from .db import Database
from .events import Hub, Store
from .migrations import migrate_async
from .routes import canned, conversations, operators, review, supervision, visitor_side, visitors
from .state import ServerContext
from . import stream

API = "/api/v1"
MAX_BODY_BYTES = 1_000_000


class BodyLimit:
    """Refuses request bodies above MAX_BODY_BYTES with a 413 before they are read."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            length = dict(scope.get("headers") or []).get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
                response = errors.body("too_large", "The request body is too large (at most 1 MB).", 413)
                return await response(scope, receive, send)
        return await self.app(scope, receive, send)


def create_app(config: ServerConfig) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        db = Database(config.db_path)
        await migrate_async(db)
        hub = Hub()
        ctx = ServerContext(config=config, store=Store(db, hub, config.keep_events), hub=hub)
        app.state.ctx = ctx
        task = asyncio.create_task(background.run(ctx))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await db.close()

    app = FastAPI(title="chatdesk chat server", version="1", lifespan=lifespan,
                  openapi_url="/openapi.json", docs_url="/docs", redoc_url=None)
    errors.install(app)

    @app.get(API + "/health")
    async def health():
        return {"ok": True}

    for module in (operators, conversations, visitors, canned, visitor_side, supervision, review, stream):
        app.include_router(module.router, prefix=API)

    # The visitor widget (/widget/) and the demo shop (/shop/), with their CSP: static_files.py.
    from .static_files import mount_static
    mount_static(app)

    app.add_middleware(BodyLimit)
    return app
