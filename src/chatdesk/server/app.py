"""The FastAPI application: routes under /api/v1, the two websocket streams, error shapes, the
demo shop and visitor widget as static files, and the background router."""
from __future__ import annotations

import asyncio
import contextlib
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from . import background, errors
from .config import ServerConfig
from .db import Database
from .events import Hub, Store
from .migrations import migrate_async
from .routes import canned, conversations, operators, visitor_side, visitors
from .state import ServerContext
from . import stream

API = "/api/v1"
MAX_BODY_BYTES = 1_000_000
STATIC = Path(__file__).parent / "static"
# The shop and widget show visitor-side text only through textContent; the CSP is a second wall.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'")


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


class StaticHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path.startswith("/shop") or path.startswith("/widget")):
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + [
                    (b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff")]
            await send(message)
        return await self.app(scope, receive, send_with_headers)


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

    for module in (operators, conversations, visitors, canned, visitor_side, stream):
        app.include_router(module.router, prefix=API)

    if (STATIC / "shop").is_dir():
        from fastapi.staticfiles import StaticFiles
        app.mount("/shop", StaticFiles(directory=STATIC / "shop", html=True), name="shop")
    if (STATIC / "widget").is_dir():
        from fastapi.staticfiles import StaticFiles
        app.mount("/widget", StaticFiles(directory=STATIC / "widget"), name="widget")

    app.add_middleware(StaticHeaders)
    app.add_middleware(BodyLimit)
    return app
