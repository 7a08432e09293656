"""The accept loop and the open-file limit (docs/security.md, "Connections").

asyncio's own accept loop, when the process runs out of files, logs the error for every pending
connection on every tick (megabytes a second) and leaves them waiting. This one asks the
ConnectionGuard before a connection costs more than its accepted socket, answers the refused
with a fixed 503 and closes them at once, and if files run out anyway it frees a reserve file to
accept and close one pending connection at a time, with one summary line a minute.
"""
from __future__ import annotations

import asyncio
import errno
import logging
import os
import resource
import socket
from collections.abc import Callable

from .connections import Connection, ConnectionGuard

log = logging.getLogger("chatdesk.server.connections")

FD_HEADROOM = 160         # files kept for SQLite, logs, the listener and friends
MAX_AUTO_CONNECTIONS = 10_000
OUT_OF_FILES = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
BUSY_BODY = (b'{"error": "busy", "message": "The server is at its connection limit; '
             b'please try again in a moment."}')
BUSY_ANSWER = (b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 5\r\n"
               b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(BUSY_BODY), BUSY_BODY))


def raise_open_file_limit() -> tuple[int, int]:
    """Raises the soft RLIMIT_NOFILE to the hard limit; returns (soft, hard) as they are now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard
    if hard == resource.RLIM_INFINITY:
        try:
            with open("/proc/sys/fs/nr_open") as f:
                target = int(f.read())
        except (OSError, ValueError):
            target = max(soft, 65536)
    if soft != resource.RLIM_INFINITY and target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def connections_for(soft_limit: int, wanted: int) -> int:
    """How many connections fit under the open-file limit (`wanted` 0: as many as fit, at most
    MAX_AUTO_CONNECTIONS); never more than fit, whatever was asked."""
    fit = max(8, soft_limit - FD_HEADROOM) if soft_limit != resource.RLIM_INFINITY else MAX_AUTO_CONNECTIONS
    return min(fit, wanted) if wanted > 0 else min(fit, MAX_AUTO_CONNECTIONS)


class Listener(asyncio.AbstractServer):
    """Accepts on one listening socket; hands admitted connections to `serve(sock, conn)`."""

    BATCH = 256

    def __init__(self, sock: socket.socket, guard: ConnectionGuard,
                 serve: Callable[[socket.socket, Connection], None]):
        self.sock = sock
        self.guard = guard
        self.serve = serve
        self._loop = asyncio.get_running_loop()
        self._reserve: int | None = _open_reserve()
        self._serving = False

    def start(self) -> None:
        self.sock.setblocking(False)
        self._loop.add_reader(self.sock.fileno(), self._ready)
        self._serving = True

    def _ready(self) -> None:
        for _ in range(self.BATCH):
            try:
                sock, peer = self.sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionAbortedError:
                continue
            except OSError as exc:
                if exc.errno in OUT_OF_FILES:
                    self._out_of_files()
                else:
                    log.debug("accept failed: %r", exc)
                return
            conn = self.guard.admit(str(peer[0]))
            if conn is None:
                _refuse(sock)
            else:
                self.serve(sock, conn)

    def _out_of_files(self) -> None:
        """Accept and close one pending connection with the reserve file; pause if that fails."""
        if self._reserve is not None:
            os.close(self._reserve)
            self._reserve = None
            try:
                sock, _ = self.sock.accept()
                _refuse(sock)
            except OSError:
                pass
            self._reserve = _open_reserve()
        self.guard.shed()
        if self._reserve is None:              # could not even get the reserve back: wait a bit
            self._loop.remove_reader(self.sock.fileno())
            self._loop.call_later(0.5, self._resume)

    def _resume(self) -> None:
        if self._serving:
            self._loop.add_reader(self.sock.fileno(), self._ready)
            if self._reserve is None:
                self._reserve = _open_reserve()

    # asyncio.AbstractServer, as uvicorn's shutdown uses it
    def close(self) -> None:
        if self._serving:
            self._serving = False
            self._loop.remove_reader(self.sock.fileno())
            self.sock.close()
        if self._reserve is not None:
            os.close(self._reserve)
            self._reserve = None

    async def wait_closed(self) -> None:
        return None

    def get_loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def is_serving(self) -> bool:
        return self._serving

    async def start_serving(self) -> None:
        if not self._serving:
            self.start()

    async def serve_forever(self) -> None:
        raise NotImplementedError("uvicorn's main loop runs the server")


def _open_reserve() -> int | None:
    try:
        return os.open(os.devnull, os.O_RDONLY)
    except OSError:
        return None


def _refuse(sock: socket.socket) -> None:
    """One non-blocking write of the fixed 503, then close: the request is never read."""
    try:
        sock.setblocking(False)
        sock.send(BUSY_ANSWER)
    except OSError:
        pass
    sock.close()


def bind(host: str, port: int, backlog: int, reuse_port: bool = False) -> list[socket.socket]:
    """Listening sockets for host:port, one per address family it resolves to (as asyncio does).
    reuse_port: several processes listen on the port and the kernel spreads connections."""
    infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _name, address in dict.fromkeys(
                (i[0], i[1], i[2], i[3], i[4]) for i in infos):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if reuse_port:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(backlog)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets
