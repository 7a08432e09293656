"""The cluster bus: small UDP datagrams between the processes serving one database.

Best effort by design: nothing that must not be lost travels here. It carries
- `ev`: "I committed up to event N" — the peer's fan-out reads the table at once (a lost datagram
  costs latency only: the poll reads the table anyway);
- `frame`: an ephemeral frame (typing, an invite, the browsing feed) with its audience;
- `revoke`: a logged-out token, whose streams end in every process.
A datagram stays under MAX_DATAGRAM bytes (the same bound as a Postgres NOTIFY payload would
impose); a bigger frame is not relayed.

Every datagram starts with TAG bytes of HMAC-SHA256 over the rest, keyed with the cluster's bus
secret (bus_key.py: CHATDESK_BUS_SECRET, or one the database keeps for every process); one that
fails it is dropped before it is parsed, and the drops are logged at most once a minute with their
count. After the tag comes a stamp (bus_freshness.py: the sender's boot id, its counter, its send
time), also under the tag: a datagram whose counter was already passed, or whose time is more than
30 s from ours, is dropped too (a replay), and those drops are logged the same way. A process of
an older version, without the stamp, cannot parse the datagrams of a newer one and drops them (its
poll still wakes it)."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from typing import Any

from ..eventlog.audience import Audience, from_wire
from ..eventlog.fanout import Fanout
from ..eventlog.hub import Hub
from ..security.quiet_log import OncePer
from .bus_freshness import STAMP, Freshness, Stamper

log = logging.getLogger("chatdesk.server.bus")
MAX_DATAGRAM = 7900
TAG = 16             # bytes of the HMAC kept: 128 bits, as a forger must guess them


class _Receiver(asyncio.DatagramProtocol):
    def __init__(self, bus: Bus):
        self.bus = bus

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.bus.received(data, addr)


class Bus:
    def __init__(self, hub: Hub, fanout: Fanout, host: str = "127.0.0.1", key: bytes = b""):
        self.hub, self.fanout, self.host = hub, fanout, host
        self.key = key                  # the cluster's bus secret (bus_key.py)
        self.forged = 0                 # datagrams dropped for a wrong or missing HMAC
        self.replayed = self.stale = 0  # signed, but a counter already passed / a time out of the window
        self.stamper = Stamper()
        self.freshness = Freshness()
        self._quiet = OncePer(log, 60.0)
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
        body = self.stamper.stamp(time.time()) + json.dumps(message, separators=(",", ":")).encode()
        data = self._tag(body) + body
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

    def _tag(self, body: bytes) -> bytes:
        return hmac.digest(self.key, body, hashlib.sha256)[:TAG]

    # --- in ---
    def received(self, data: bytes, addr: Any = None) -> None:
        self.received_count += 1
        body = data[TAG:]
        if len(body) < STAMP.size or not hmac.compare_digest(data[:TAG], self._tag(body)):
            self.forged += 1
            self._quiet.note("forged", "the cluster bus dropped %d datagrams that failed their HMAC so far "
                             "(the last from %s)", self.forged, addr)
            return
        unfresh = self.freshness.check(body[:STAMP.size], time.time())
        if unfresh:
            if unfresh == "replayed":
                self.replayed += 1
            else:
                self.stale += 1
            self._quiet.note("unfresh", "the cluster bus dropped %d replayed datagrams and %d out of its "
                             "time window so far (the last from %s)", self.replayed, self.stale, addr)
            return
        try:
            message = json.loads(body[STAMP.size:])
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
