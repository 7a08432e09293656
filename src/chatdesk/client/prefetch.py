"""The desk's first snapshot (GET /desk), fetched on a thread while the process is still importing
Textual and the desk: the server's answer and the imports overlap instead of following each other
(bench/: start-up). Standard library only (and the plain constants of protocol.limits), so
starting it costs next to nothing.

Only a shortcut: any failure (refused, timed out, an error status, a proxy in the environment
that this plain client would not use) gives None, and the session asks again over its own client,
which turns the failure into a sentence for the operator.
"""
from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import Future
from urllib.parse import urlencode, urlsplit

from chatdesk.protocol.limits import API_PREFIX

HISTORY_PAGE = 200          # messages a chat opens with; older ones come as the operator scrolls up
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")
TIMEOUT = 5.0


class DeskPrefetch:
    def __init__(self, base_url: str, token: str, last: int, timeout: float = TIMEOUT):
        self.base_url, self.last = base_url.rstrip("/"), last
        self._future: Future[bytes | None] = Future()
        threading.Thread(target=self._run, args=(token, timeout), name="chatdesk-prefetch",
                         daemon=True).start()

    def _run(self, token: str, timeout: float) -> None:
        try:
            self._future.set_result(fetch_desk(self.base_url, token, self.last, timeout))
        except Exception:          # noqa: BLE001 - a shortcut that failed: the session asks again
            self._future.set_result(None)

    async def body(self) -> bytes | None:
        """The JSON of a 200 answer, or None."""
        return await asyncio.wrap_future(self._future)

    def body_if_here(self) -> bytes | None:
        """The answer if it has arrived already (without waiting), else None."""
        return self._future.result() if self._future.done() else None


def fetch_desk(base_url: str, token: str, last: int, timeout: float) -> bytes | None:
    if any(os.environ.get(v) or os.environ.get(v.upper()) for v in PROXY_VARIABLES):
        return None                # httpx honours these; a direct connection might not get through
    url = urlsplit(base_url)
    if url.scheme not in ("http", "https") or not url.hostname or not _header_safe(token):
        return None
    path = f"{url.path.rstrip('/')}{API_PREFIX}/desk?{urlencode({'last': last})}"
    if url.scheme == "https":
        return _https_get(url.hostname, url.port or 443, path, token, timeout)
    return _http_get(url.hostname, url.port or 80, url.netloc.rpartition("@")[2], path, token, timeout)


def _header_safe(token: str) -> bool:
    return bool(token) and token.isascii() and token.isprintable() and " " not in token


def _https_get(host: str, port: int, path: str, token: str, timeout: float) -> bytes | None:
    import http.client  # verifies the certificate with the default context
    conn = http.client.HTTPSConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
        answer = conn.getresponse()
        body = answer.read()
        return body if answer.status == 200 else None
    finally:
        conn.close()


def _http_get(host: str, port: int, host_header: str, path: str, token: str, timeout: float) -> bytes | None:
    """One HTTP/1.1 GET over a plain socket: importing http.client (email, ssl) cost more CPU
    than the whole request, and the desk's imports were waiting for that CPU."""
    import socket
    request = (f"GET {path} HTTP/1.1\r\nHost: {host_header}\r\nAuthorization: Bearer {token}\r\n"
               "Accept: application/json\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(request)
        data = bytearray()
        while chunk := sock.recv(262144):
            data += chunk
    head, sep, body = bytes(data).partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if not sep or lines[0].split(b" ")[1:2] != [b"200"]:
        return None
    headers = dict(line.lower().split(b": ", 1) for line in lines[1:] if b": " in line)
    if headers.get(b"transfer-encoding") == b"chunked":
        return _unchunk(body)
    length = headers.get(b"content-length")
    if length is not None and int(length) != len(body):
        return None                # cut short
    return body


def _unchunk(body: bytes) -> bytes | None:
    out, at = bytearray(), 0
    while True:
        end = body.find(b"\r\n", at)
        if end < 0:
            return None
        size = int(body[at:end].split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += body[end + 2:end + 2 + size]
        at = end + 2 + size + 2
