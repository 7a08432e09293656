"""Staff keep priority (connections.py): a connection taken on probation, past the general caps,
may carry a login, a request with an operator's token, or the operator stream; anything else is
answered 503 `busy` and closed. The streams report a websocket's auth here."""
from __future__ import annotations

from typing import Any

from chatdesk.protocol.limits import API_PREFIX

from ..api import errors
from .connections import WS_LIVE, connection_of
from .tokens import actor_for_token

LOGIN_PATH = API_PREFIX + "/auth/login"


def busy_answer():
    response = errors.body("busy", "The server is at its connection limit; please try again in a moment.", 503)
    response.headers["Retry-After"] = "5"
    response.headers["Connection"] = "close"
    return response


def on_probation(scope: Any) -> bool:
    conn = connection_of(scope)
    return conn is not None and conn.probation


def authenticated(scope: Any, *, staff: bool) -> None:
    """A websocket passed its auth frame: it is live (no longer idle), and staff if `staff`."""
    conn = connection_of(scope)
    if conn is not None:
        conn.guard.set_state(conn, WS_LIVE)
        if staff:
            conn.guard.promote(conn)


class StaffPriority:
    """ASGI middleware: the probation rule for HTTP requests."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        conn = connection_of(scope)
        if scope["type"] != "http" or conn is None or not conn.probation:
            return await self.app(scope, receive, send)
        if scope["path"] == LOGIN_PATH and scope["method"] == "POST":
            return await self.app(scope, receive, send)
        if await _staff_token(scope):
            conn.guard.promote(conn)
            return await self.app(scope, receive, send)
        return await busy_answer()(scope, receive, send)


async def _staff_token(scope: Any) -> bool:
    auth = dict(scope.get("headers") or []).get(b"authorization", b"")
    scheme, _, token = auth.decode("latin-1").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    return await actor_for_token(scope["app"].state.ctx.db, token.strip()) is not None
