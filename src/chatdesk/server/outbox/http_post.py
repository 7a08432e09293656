"""One webhook POST over HTTP/1.1 with the standard library (asyncio streams, TLS for https). The
server imports no HTTP client (docs/architecture.md); a delivery needs only the answer's status."""
from __future__ import annotations

import asyncio
import contextlib
import ssl
from urllib.parse import urlsplit


class BadUrl(ValueError):
    pass


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host, or BadUrl with a sentence."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadUrl(f"'{url[:200]}' is not an http:// or https:// address with a host.")
    if not url.isascii() or any(c in url for c in "\r\n\t ") or len(url) > 2000:
        raise BadUrl("A webhook address is ASCII (punycode, %-escapes), without spaces or line breaks, "
                     "at most 2000 characters.")
    return url


class NoAnswer(Exception):
    """The receiver closed the connection or sent something that is not an HTTP answer."""


async def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST `body` to `url`; return the answer's status code. The whole exchange (connect, send,
    the status line) must fit in `timeout` seconds, else TimeoutError."""
    parts = urlsplit(check_url(url))
    tls = parts.scheme == "https"
    host = parts.hostname or ""
    port = parts.port or (443 if tls else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    head = {"Host": parts.netloc.rpartition("@")[2], "User-Agent": "chatdesk-webhooks/1",
            "Content-Type": "application/json", "Content-Length": str(len(body)), "Connection": "close",
            **headers}
    request = f"POST {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items()) + "\r\n"
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(
            host, port, ssl=ssl.create_default_context() if tls else None, server_hostname=host if tls else None)
        try:
            writer.write(request.encode("latin-1") + body)
            await writer.drain()
            line = await reader.readline()
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
    version, _, rest = line.decode("latin-1").partition(" ")
    code = rest[:3]
    if not version.startswith("HTTP/") or not code.isdigit():
        raise NoAnswer("The receiver sent no HTTP answer.")
    return int(code)
