"""A child process for the out-of-files test: the server's accept loop (security/accept.py) under a
64-file limit, with caps far above what fits, holding every connection it admits, so the process
runs out of files for real.

    python -m tests.support.accept_child PORT     (prints "ready" once listening; logs to stderr)
"""
from __future__ import annotations

import asyncio
import logging
import resource
import socket
import sys

from chatdesk.server.security.accept import Listener, bind
from chatdesk.server.security.connections import Connection, ConnectionGuard, ConnectionLimits


async def main(port: int) -> None:
    guard = ConnectionGuard(ConnectionLimits(max_connections=10_000, per_address=0))
    held: list[socket.socket] = []

    def serve(sock: socket.socket, _conn: Connection) -> None:
        held.append(sock)

    Listener(bind("127.0.0.1", port, 512)[0], guard, serve).start()
    print("ready", flush=True)
    await asyncio.sleep(60)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    asyncio.run(main(int(sys.argv[1])))
