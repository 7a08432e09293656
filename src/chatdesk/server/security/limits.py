"""Limits on what a client may send, checked before a route runs (docs/security.md).

- Request bodies: at most MAX_BODY_BYTES, also for chunked uploads that carry no Content-Length.
- Websocket messages: at most WS_MAX_BYTES (uvicorn closes a bigger one with 1009).
- Rate limits, token buckets: per client address on the visitor side (`--address-rate`, requests per
  minute) and per visitor (`--visitor-rate`, REST calls and stream frames). Over the limit a request
  gets 429 `{"error": "rate_limited", ...}` with Retry-After. 0 turns a limit off.
- CORS for the visitor API to pages of an origin given with `--allowed-origin` (cors.py).
- The visitor websocket only talks to pages of an allowed origin: the server's own, any given with
  `--allowed-origin`, or no Origin at all (non-browser clients; browsers always send one).
"""
from __future__ import annotations

import logging
import math
import time
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request, WebSocket

from chatdesk.protocol.limits import API_PREFIX

from ..api import errors
from . import priority
from .cors import VisitorCors
from .quiet_log import OncePer

MAX_BODY_BYTES = 1_000_000
WS_MAX_BYTES = 64 * 1024
VISITOR_PATHS = API_PREFIX + "/visitor/"
DEFAULT_VISITOR_RATE = 600       # per minute: 10 a second sustained, a burst of 600
DEFAULT_ADDRESS_RATE = 6000      # per minute: a whole office or the simulator behind one address


class RateLimited(Exception):
    def __init__(self, who: str, retry_after: float):
        super().__init__(who)
        self.who = who
        self.retry_after = max(1, math.ceil(retry_after))

    def response(self):
        response = errors.body("rate_limited", f"Too many requests from this {self.who}; "
                               f"try again in {self.retry_after} seconds.", 429)
        response.headers["Retry-After"] = str(self.retry_after)
        return response


class RateLimiter:
    """One token bucket per key: `per_minute` tokens at most, refilled at per_minute / 60 a second."""

    MAX_KEYS = 50_000

    def __init__(self, per_minute: int, who: str):
        self.capacity = float(max(0, per_minute))
        self.rate = self.capacity / 60.0
        self.who = who
        self._buckets: dict[str, tuple[float, float]] = {}

    def wait_needed(self, key: str) -> float:
        """Takes a token for `key`: 0 if there was one, else the seconds until there will be."""
        if self.capacity <= 0:
            return 0.0
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > self.MAX_KEYS:
                self._forget_full(now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1.0 - tokens) / self.rate

    def check(self, key: str) -> None:
        wait = self.wait_needed(key)
        if wait:
            raise RateLimited(self.who, wait)

    async def take(self, key: str, conn: Any = None) -> float:
        """wait_needed, as every caller asks it: a shared limiter (shared_limits.py) may have to
        borrow tokens from the database (in `conn`, the caller's write transaction, if given)."""
        return self.wait_needed(key)

    async def enforce(self, key: str) -> None:
        wait = await self.take(key)
        if wait:
            raise RateLimited(self.who, wait)

    def _forget_full(self, now: float) -> None:
        """Bounds memory under a spray of keys: a bucket that has refilled is the same as none."""
        for key, (tokens, last) in list(self._buckets.items()):
            if tokens + (now - last) * self.rate >= self.capacity:
                del self._buckets[key]
        while len(self._buckets) > self.MAX_KEYS:       # all busy: forget the oldest half
            for key in list(self._buckets)[: self.MAX_KEYS // 2]:
                del self._buckets[key]


class Limits:
    def __init__(self, visitor_rate: int = DEFAULT_VISITOR_RATE, address_rate: int = DEFAULT_ADDRESS_RATE,
                 allowed_origins: tuple[str, ...] = ()):
        self.visitor = RateLimiter(visitor_rate, "visitor")
        self.address = RateLimiter(address_rate, "address")
        self.allowed_origins = frozenset(_origin(o) for o in allowed_origins)
        self.refusals = OncePer(logging.getLogger("chatdesk.server.limits"))

    def origin_allowed(self, origin: str | None, host: str | None) -> bool:
        if origin is None:
            return True
        normal = _origin(origin)
        if normal in self.allowed_origins:
            return True
        try:
            netloc = urlsplit(normal).netloc
        except ValueError:              # e.g. "http://[": not an origin anyone may use
            return False
        if not host or not netloc:
            return False
        return netloc == host.strip().lower()


def _origin(value: str) -> str:
    return value.strip().rstrip("/").lower()


def client_address(scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


class RequestLimits:
    """ASGI middleware: the body cap for every request, the address rate limit on the visitor side."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["path"].startswith(VISITOR_PATHS):
            wait = await scope["app"].state.limits.address.take(client_address(scope))
            if wait:
                return await RateLimited("address", wait).response()(scope, receive, send)
        too_large = errors.body("too_large", "The request body is too large (at most 1 MB).", 413)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > MAX_BODY_BYTES:
                return await too_large(scope, receive, send)
            return await self.app(scope, receive, send)
        # No Content-Length (chunked, or no body): read it here up to the cap, then hand it on.
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                return await too_large(scope, receive, send)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        pending = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replay():
            return pending.pop() if pending else await receive()

        return await self.app(scope, replay, send)


async def admit_visitor_stream(ws: WebSocket) -> bool:
    """Address rate limit, then the origin allowlist, answered before the handshake completes: an
    HTTP 503 `busy` (a connection on probation, connections.py), 429 `rate_limited` or 403
    `forbidden_origin` (close 1008 where the server cannot send a
    body). Every handshake takes a token, refused ones too; refusals log one line a minute per address."""
    limits: Limits = ws.app.state.limits
    address = client_address(ws.scope)
    wait = await limits.address.take(address)
    if priority.on_probation(ws.scope):          # past the connection caps: staff only
        refusal = priority.busy_answer()
    elif wait:
        refusal = RateLimited("address", wait).response()
    elif not limits.origin_allowed(ws.headers.get("origin"), ws.headers.get("host")):
        limits.refusals.note(address, "visitor stream refused for %s: origin not allowed", address)
        refusal = errors.body("forbidden_origin", "Pages of this origin may not open the visitor stream.", 403)
    else:
        return True
    if "websocket.http.response" in ws.scope.get("extensions", {}):
        await ws.send_denial_response(refusal)
    else:
        await ws.close(1008)
    return False


def install(app: FastAPI, limits: Limits) -> None:
    app.state.limits = limits

    @app.exception_handler(RateLimited)
    async def _rate_limited(_req: Request, exc: RateLimited):
        return exc.response()

    app.add_middleware(RequestLimits)
    # Outside the limits, so a 413 or 429 reaches a page of an allowed origin readable (cors.py).
    app.add_middleware(VisitorCors, prefix=VISITOR_PATHS, allowed=limits.allowed_origins)
