"""permessage-deflate only where it pays (server/realtime/compression.py): a visitor's stream,
one of thousands held open, declines it, so an idle one costs no compressor; the operator stream
still takes it. Both clients offer it, as browsers and the desk's websockets client do."""
from __future__ import annotations

import json

from websockets.asyncio.client import connect

from tests.support.api import Operator
from tests.support.visitor import Visitor


def negotiated(ws) -> str | None:
    return ws.response.headers.get("Sec-WebSocket-Extensions")


async def test_a_visitor_stream_declines_compression_and_still_works(shared_server):
    v = await Visitor(shared_server).arrive()
    async with connect(v.ws_url, proxy=None, compression="deflate") as ws:
        assert negotiated(ws) is None and ws.protocol.extensions == []
        await ws.send(json.dumps({"type": "auth", "visitor_token": v.token}))
        assert json.loads(await ws.recv())["type"] == "ready"
        await ws.send(json.dumps({"type": "ping"}))
        while json.loads(await ws.recv())["type"] != "pong":
            pass


async def test_the_operator_stream_is_still_compressed(shared_server):
    ana = await Operator.create(shared_server, "deflate-ana@example.com")
    async with connect(shared_server.ws_url + "/api/v1/stream", proxy=None, compression="deflate") as ws:
        assert "permessage-deflate" in (negotiated(ws) or "")
        await ws.send(json.dumps({"type": "auth", "token": ana.token}))
        assert json.loads(await ws.recv())["type"] == "ready"
