"""The FastAPI application: routes under /api/v1, the two websocket streams, error shapes, the
demo shop and visitor widget as static files, and the background router."""
from __future__ import annotations

import asyncio
import contextlib
from contextlib import asynccontextmanager

from fastapi import FastAPI

from chatdesk.protocol.limits import API_PREFIX

from .api import (
    admin,
    browsing,
    canned,
    conversations,
    desk,
    errors,
    openers,
    operators,
    page_api,
    review,
    supervision,
    transcript_links,
    visitor_flows,
    visitor_side,
    visitors,
    work_items,
)
from .api.answers import Ok
from .cluster.holder_only import while_holding
from .cluster.node import Node
from .config import ServerConfig
from .context import ServerContext
from .eventlog.hub import Hub
from .eventlog.log import Store
from .gc_tuning import freeze_startup_objects
from .outbox import worker as delivery_worker
from .outbox.enqueue import Outbox
from .outbox.worker import DeliveryWorker
from .realtime import queue_watch, streams
from .security import limits
from .security.login_gate import LoginGuard
from .security.priority import StaffPriority
from .security.shared_limits import share_limits
from .security.static_files import mount_static
from .services import background
from .services import browsing as browsing_feed
from .storage.engine import open_database
from .storage.migrations import migrate_async


def create_app(config: ServerConfig) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        db = open_database(config.db_path, config.db_pool)
        await migrate_async(db)
        hub = Hub()
        outbox = Outbox(config)
        store = Store(db, hub, config.keep_events, outbox)
        ctx = ServerContext(config=config, store=store, hub=hub, outbox=outbox)
        app.state.ctx = ctx
        node = None
        if config.cluster:               # several processes: one sweeper, events from all (cluster/)
            node = Node(ctx)
            await node.start()
            app.state.node = node
            share_limits(ctx, app.state.limits, node.processes)   # limits for all processes together
        sweeps = [lambda: background.run(ctx),
                  lambda: delivery_worker.run(DeliveryWorker(config, store, outbox, ctx.fence))]
        tasks = [asyncio.create_task(browsing_feed.run(ctx)), asyncio.create_task(queue_watch.run(ctx))]
        tasks += [asyncio.create_task(while_holding(node.holding, work) if node else work()) for work in sweeps]
        freezer = freeze_startup_objects()
        try:
            yield
        finally:
            freezer.uninstall()
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if node is not None:
                await node.stop()
            await db.close()
            ctx.logins.close()

    app = FastAPI(title="chatdesk chat server", version="1", lifespan=lifespan,
                  openapi_url="/openapi.json", docs_url="/docs", redoc_url=None)
    errors.install(app)

    @app.get(API_PREFIX + "/health", response_model=Ok, tags=["health"])
    async def health() -> dict[str, bool]:
        return {"ok": True}

    for module in (operators, conversations, visitors, canned, desk, visitor_side, visitor_flows, page_api,
                   supervision, review, admin, browsing, openers, streams, work_items):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(work_items.visitor_router, prefix=API_PREFIX)
    app.include_router(transcript_links.router, prefix=API_PREFIX)

    # The visitor widget (/widget/) and the demo shop (/shop/), with their CSP: security/static_files.py.
    mount_static(app)

    # Body cap (chunked too), visitor-side rate limits, allowed origins: security/limits.py.
    limits.install(app, limits.Limits(config.visitor_rate, config.address_rate, config.allowed_origins))
    # Login floods: the address caps before the request is parsed (security/login_gate.py).
    app.add_middleware(LoginGuard)
    # Added last, so outermost: a connection on probation past the connection caps must be staff
    # (security/priority.py).
    app.add_middleware(StaffPriority)
    return app
