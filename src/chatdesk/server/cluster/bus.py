"""The cluster bus: small UDP datagrams between the processes serving one database.

Best effort by design: nothing that must not be lost travels here. It carries
- `ev`: "I committed up to event N" — the peer's fan-out reads the table at once (a lost datagram
  costs latency only: the poll reads the table anyway);
- `frame`: an ephemeral frame (typing, an invite, the browsing feed) with its audience;
- `revoke`: a logged-out token, whose streams end in every process.
A datagram stays under MAX_DATAGRAM bytes (the same bound as a Postgres NOTIFY payload would
impose); a bigger frame is not relayed."""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from ..eventlog.audience import Audience, from_wire
from ..eventlog.fanout import Fanout
from ..eventlog.hub import Hub

log = logging.getLogger("chatdesk.server.bus")
MAX_DATAGRAM = 7900


class _Receiver(asyncio.DatagramProtocol):
    def __init__(self, bus: Bus):
        self.bus = bus

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.bus.received(data)


class Bus:
    def __init__(self, hub: Hub, fanout: Fanout, host: str = "127.0.0.1"):
        self.hub, self.fanout, self.host = hub, fanout, host
        self.port = 0
        self.peers: list[tuple[str, int]] = []
        self.transport: asyncio.DatagramTransport | None = None
        self.sent = self.received_count = self.too_big = 0
        self.wake_peers = True          # False: --cluster-wake poll (the bench's comparison)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(lambda: _Receiver(self), local_addr=(self.host, 0))
        self.transport = transport
        self.port = transport.get_extra_info("sockname")[1]
        self.hub.relay = self
        self.fanout.on_local_commit.append(self.committed)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
        self.hub.relay = None

    # --- out ---
    def _broadcast(self, message: dict[str, Any]) -> None:
        if self.transport is None or not self.peers:
            return
        data = json.dumps(message, separators=(",", ":")).encode()
        if len(data) > MAX_DATAGRAM:
            self.too_big += 1
            return
        for peer in self.peers:
            try:
                self.transport.sendto(data, peer)
                self.sent += 1
            except OSError:             # a peer that just died: its row expires soon
                pass

    def committed(self, newest: int) -> None:
        if self.wake_peers:
            self._broadcast({"k": "ev", "id": newest})

    def frame(self, frame: dict, to: Audience) -> None:
        self._broadcast({"k": "frame", "frame": frame, "to": to.wire()})

    def revoke(self, token_hash: str) -> None:
        self._broadcast({"k": "revoke", "token": token_hash})

    # --- in ---
    def received(self, data: bytes) -> None:
        self.received_count += 1
        try:
            message = json.loads(data)
            kind = message["k"]
        except (ValueError, KeyError, TypeError):
            return
        if kind == "ev" and type(message.get("id")) is int:
            self.fanout.wake(message["id"])
        elif kind == "frame" and isinstance(message.get("frame"), dict):
            to = from_wire(message.get("to"))
            if to is not None:
                self.hub.send_here(message["frame"], to)
        elif kind == "revoke" and isinstance(message.get("token"), str):
            self.hub.revoke_here(message["token"])
