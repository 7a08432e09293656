"""Other client addresses on loopback: Linux routes all of 127.0.0.0/8 to `lo`, so a client bound
to 127.0.0.2 reaches the test server as a second address (per-address limits apply to each)."""
from __future__ import annotations

import httpx

from tests.support.api import Api

SECOND = "127.0.0.2"


def from_address(api: Api, address: str = SECOND) -> Api:
    """The same client, its requests sent from `address` from now on."""
    old = api.http
    api.http = httpx.AsyncClient(base_url=old.base_url, headers=old.headers, timeout=old.timeout,
                                 transport=httpx.AsyncHTTPTransport(local_address=address))
    return api
