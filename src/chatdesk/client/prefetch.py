"""The desk's first snapshot (GET /desk), fetched on a thread while the process is still importing
Textual and the desk: the server's answer and the imports overlap instead of following each other
(bench/: start-up). Standard library only, so starting it costs next to nothing.

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
    import http.client
    url = urlsplit(base_url)
    if url.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(url.hostname, url.port, timeout=timeout)
    elif url.scheme == "http":
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    else:
        return None
    try:
        conn.request("GET", f"{url.path.rstrip('/')}/api/v1/desk?{urlencode({'last': last})}",
                     headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
        answer = conn.getresponse()
        body = answer.read()
        return body if answer.status == 200 else None
    finally:
        conn.close()
