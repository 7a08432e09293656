"""uvicorn with bounded connections: its own accept loop (accept.py) and protocols that tell the
ConnectionGuard what each connection is doing (waiting for a request head, busy, a websocket
before and after its auth frame). Each request's scope carries its Connection (connections.py).

A lost connection lets go of what it held (its Connection's references, the websockets parser,
the transport's read callback), so reference counting frees it at once: gc_tuning.py freezes
what survives a full collection, and a cycle left in the frozen set would never be freed.

This leans on uvicorn's h11 and websockets-sansio protocols and on Server.startup's contract
(self.servers, self.started): after a uvicorn upgrade, run tests/security/test_connections.py."""
from __future__ import annotations

import asyncio
import socket
import sys
import time
from functools import partial
from typing import Any

from uvicorn import Config, Server
from uvicorn.config import STARTUP_FAILURE
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request

from ..realtime.compression import may_compress
from .accept import Listener, bind
from .connections import BUSY, HEAD, SCOPE_KEY, WS_PENDING, Connection, ConnectionGuard


def break_transport_cycle(transport: asyncio.BaseTransport) -> None:
    """A lost connection's objects must be freed by reference counting, not left for a full
    collection (gc_tuning.py): asyncio's selector transport keeps a bound method of itself as its
    read callback, a cycle through the transport, its socket and buffers. Once the connection is
    lost nothing reads any more."""
    if getattr(transport, "_read_ready_cb", None) is not None:
        transport._read_ready_cb = None  # type: ignore[attr-defined]


class GuardedHttp(H11Protocol):
    def __init__(self, config: Config, server_state: Any, app_state: dict[str, Any],
                 connection: Connection, _loop: asyncio.AbstractEventLoop | None = None):
        super().__init__(config, server_state, {**app_state, SCOPE_KEY: connection}, _loop)
        self.connection = connection
        # uvicorn calls it as ws_protocol_class(config=, server_state=, app_state=): a partial serves
        self.ws_protocol_class = partial(GuardedWebSocket, connection=connection)  # type: ignore[assignment]

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.connection.guard.attached(self.connection, transport, self)

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self.connection.guard.release(self.connection)
        break_transport_cycle(self.transport)

    def data_received(self, data: bytes) -> None:
        self.connection.last_data = time.monotonic()
        cycle = self.cycle
        super().data_received(data)
        if self.cycle is not cycle and self.connection.state == HEAD:
            self.connection.guard.set_state(self.connection, BUSY)

    def on_response_complete(self) -> None:
        cycle = self.cycle
        super().on_response_complete()
        if self.cycle is cycle and not self.transport.is_closing():       # no pipelined request
            self.connection.guard.set_state(self.connection, HEAD)

    def reading_body(self) -> bool:
        return self.cycle is not None and self.cycle.more_body and not self.cycle.response_complete


class GuardedWebSocket(WebSocketsSansIOProtocol):
    def __init__(self, config: Config, server_state: Any, app_state: dict[str, Any],
                 connection: Connection, _loop: asyncio.AbstractEventLoop | None = None):
        super().__init__(config, server_state, app_state, _loop)
        self.connection = connection

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        # The guard now asks this protocol (not the upgraded HTTP one, which can then be freed).
        self.connection.protocol = self
        self.connection.guard.set_state(self.connection, WS_PENDING)

    def handle_connect(self, event: Request) -> None:
        if not may_compress(event.path):      # negotiated in super's accept: offer nothing
            self.conn.available_extensions = []
        super().handle_connect(event)

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self.connection.guard.release(self.connection)
        self.conn.parser.close()          # its frame holds the websockets protocol: a cycle
        break_transport_cycle(self.transport)

    def reading_body(self) -> bool:
        return False

    async def run_asgi(self) -> None:
        """uvicorn's, except that a handshake answered with a denial response (403, 429, 503) is
        not an error: uvicorn logs one ERROR line for each, which a refused client could repeat."""
        try:
            result = await self.app(self.scope, self.receive, self.send)
        except ClientDisconnected:
            pass
        except BaseException:
            self.logger.exception("Exception in ASGI application\n")
            self.send_500_response()
        else:
            if not self.handshake_complete and self.initial_response is None:
                self.logger.error("ASGI callable returned without completing handshake.")
                self.send_500_response()
            elif result is not None:
                self.logger.error("ASGI callable should return None, but returned '%s'.", result)
        if self.close_timer is None:
            self.transport.close()


class GuardedServer(Server):
    """uvicorn's Server, listening through Listener and serving with the guarded protocols."""

    def __init__(self, config: Config, guard: ConnectionGuard, reuse_port: bool = False):
        super().__init__(config)
        self.guard = guard
        self.reuse_port = reuse_port
        self._attaching: set[asyncio.Task[None]] = set()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await self.lifespan.startup()
        if self.lifespan.should_exit:
            sys.exit(STARTUP_FAILURE)
        config, loop = self.config, asyncio.get_running_loop()
        try:
            listening = bind(config.host, config.port, config.backlog, self.reuse_port)
        except OSError as exc:
            self.config_error(exc)
            await self.lifespan.shutdown()
            sys.exit(STARTUP_FAILURE)

        def serve(sock: socket.socket, connection: Connection) -> None:
            protocol = partial(GuardedHttp, config=config, server_state=self.server_state,
                               app_state=self.lifespan.state, connection=connection, _loop=loop)
            task = loop.create_task(self._attach(loop, sock, protocol, connection))
            self._attaching.add(task)
            task.add_done_callback(self._attaching.discard)

        listeners = [Listener(sock, self.guard, serve) for sock in listening]
        for listener in listeners:
            listener.start()
        self.servers = listeners      # type: ignore[assignment]  # uvicorn only calls close() and wait_closed()
        self.guard.start()
        self.started = True

    @staticmethod
    async def _attach(loop: asyncio.AbstractEventLoop, sock: socket.socket, protocol: Any,
                      connection: Connection) -> None:
        try:
            await loop.connect_accepted_socket(protocol, sock=sock)
        except (OSError, RuntimeError):
            connection.guard.release(connection)
            sock.close()

    def config_error(self, exc: OSError) -> None:
        from uvicorn.server import logger
        logger.error(exc)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await self.guard.stop()
        await super().shutdown(sockets)
