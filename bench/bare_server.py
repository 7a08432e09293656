"""The baseline for 5.: a bare ASGI app on uvicorn (same websockets stack and settings as the chat
server), no framework, no database: POST /send broadcasts its body as a text frame to every
websocket, each through its own queue and writer task.

    python -m bench.bare_server PORT
"""
from __future__ import annotations

import asyncio
import sys

CLIENTS: set[asyncio.Queue] = set()


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            msg = await receive()
            if msg["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif msg["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] == "websocket":
        await receive()                               # websocket.connect
        await send({"type": "websocket.accept"})
        queue: asyncio.Queue = asyncio.Queue()
        CLIENTS.add(queue)

        async def writer() -> None:
            while True:
                await send({"type": "websocket.send", "text": await queue.get()})
        task = asyncio.create_task(writer())
        try:
            while (await receive())["type"] != "websocket.disconnect":
                pass
        finally:
            CLIENTS.discard(queue)
            task.cancel()
        return
    if scope["type"] == "http":
        body = b""
        while True:
            msg = await receive()
            body += msg.get("body", b"")
            if not msg.get("more_body"):
                break
        if scope["path"] == "/send":
            text = body.decode()
            for queue in CLIENTS:
                queue.put_nowait(text)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b'{"ok": true}'})


if __name__ == "__main__":
    import uvicorn
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False,
                ws_max_size=256 * 1024, lifespan="on")
