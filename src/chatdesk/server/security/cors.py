"""CORS for the visitor API, so a shop on another origin can embed the widget (docs/security.md).

Only pages of an origin given with `--allowed-origin` get CORS answers, and only under
/api/v1/visitor/: a preflight (OPTIONS with Access-Control-Request-Method) is answered here with
204 and the methods and headers the widget uses; every other answer to such a page carries
Access-Control-Allow-Origin naming that origin (never `*`, never credentials: the visitor token
travels in the Authorization header). A preflight from any other origin gets 403 with a sentence.
Same-origin requests and clients that send no Origin are not touched. The visitor stream checks
Origin itself (limits.admit_visitor_stream)."""
from __future__ import annotations

from ..api import errors

METHODS = b"GET, POST"
HEADERS = b"Authorization, Content-Type"
MAX_AGE = b"600"


class VisitorCors:
    """ASGI middleware: CORS answers for the allowed origins on the visitor API."""

    def __init__(self, app, prefix: str, allowed: frozenset[str]):
        self.app = app
        self.prefix = prefix
        self.allowed = allowed

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        origin = headers.get(b"origin")
        if origin is None:
            return await self.app(scope, receive, send)
        allowed = origin.decode("latin-1").strip().rstrip("/").lower() in self.allowed
        preflight = scope["method"] == "OPTIONS" and b"access-control-request-method" in headers
        if preflight:
            if not allowed:
                refusal = errors.body("forbidden_origin", "Pages of this origin may not use the visitor API; "
                                      "the server allows it with --allowed-origin.", 403)
                return await refusal(scope, receive, send)
            return await _preflight_answer(origin, send)
        if not allowed:
            return await self.app(scope, receive, send)

        async def with_cors(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*_without_cors(message.get("headers") or []),
                                                  (b"access-control-allow-origin", origin), (b"vary", b"Origin")]}
            await send(message)

        return await self.app(scope, receive, with_cors)


async def _preflight_answer(origin: bytes, send) -> None:
    await send({"type": "http.response.start", "status": 204, "headers": [
        (b"access-control-allow-origin", origin), (b"access-control-allow-methods", METHODS),
        (b"access-control-allow-headers", HEADERS), (b"access-control-max-age", MAX_AGE),
        (b"vary", b"Origin")]})
    await send({"type": "http.response.body", "body": b""})


def _without_cors(headers):
    return [(k, v) for k, v in headers if not k.lower().startswith(b"access-control-")]
