"""The real server app in this process (uvicorn on a free loopback port in a thread, a real SQLite
file), with every SQL statement a request runs counted: what a request costs the database, so a
test can hold the heartbeat to its budget.

Statements are seen through SQLAlchemy's `before_cursor_execute` event on the engines of this
server's file, and credited to the request being served through a context variable that a thin
ASGI layer sets around the real app; the background sweeps and the visitors feed run in their own
tasks and are not counted. Our BEGIN statements (storage/db.py) are not counted either: a read is
its SELECTs, a write its INSERTs, UPDATEs and DELETEs."""
from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import Engine, event

from chatdesk.demo.local_server import free_port
from chatdesk.server.app import create_app
from chatdesk.server.config import ServerConfig
from tests.support.live_server import LiveServer

_request_path: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_path", default=None)


@dataclass
class Statements:
    """The statements the requests to one path ran while recording."""
    path: str
    sql: list[str] = field(default_factory=list)

    @property
    def reads(self) -> list[str]:
        return [s for s in self.sql if s.lstrip().upper().startswith("SELECT")]

    @property
    def writes(self) -> list[str]:
        return [s for s in self.sql if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


class _TagRequests:
    """ASGI: the request's path in a context variable while the real app serves it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _request_path.set(scope["path"])
        try:
            await self.app(scope, receive, send)
        finally:
            _request_path.reset(token)


class CountedServer(LiveServer):
    """A LiveServer (same url, add_user, login, operator) whose server runs in this process."""

    def __init__(self, db_path: Path, **config: Any) -> None:
        super().__init__(db_path, port=free_port())
        self.config = ServerConfig(db_path=db_path, **config)
        self._uvicorn: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._recording: list[Statements] = []

    def start(self, timeout: float = 60.0) -> "CountedServer":
        event.listen(Engine, "before_cursor_execute", self._seen)
        app = _TagRequests(create_app(self.config))
        self._uvicorn = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                      access_log=False, lifespan="on", http="h11"))
        self._thread = threading.Thread(target=self._uvicorn.run, name="counted-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._uvicorn.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the in-process server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self._uvicorn is not None and self._thread is not None:
            self._uvicorn.should_exit = True
            self._thread.join(30)
        event.remove(Engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        path = _request_path.get()
        if path is None or conn.engine.url.database != str(self.db_path):
            return
        for rec in self._recording:
            if rec.path == path:
                rec.sql.append(statement)

    @contextmanager
    def statements(self, path: str) -> Iterator[Statements]:
        """`with srv.statements("/api/v1/visitor/heartbeat") as seen:` ... `seen.reads`."""
        rec = Statements(path)
        self._recording.append(rec)
        try:
            yield rec
        finally:
            self._recording.remove(rec)
