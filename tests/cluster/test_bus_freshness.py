"""The cluster bus's datagrams are fresh or dropped: a datagram recorded off the network and sent
again is dropped (its counter was passed), a signed one stamped outside the ±30 s window is dropped,
and both kinds of drop are logged with their count; a restarted process (a new boot id, its counter
from 1 again) is heard at once. The stamp is written here from the layout the docs give (boot id,
counter, send time; cluster/bus_freshness.py), as a peer on another version would."""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import secrets
import socket
import struct
import time
from collections.abc import AsyncIterator

import pytest

from tests.support.api import Operator
from tests.support.cluster import Cluster
from tests.support.database import rows
from tests.support.live_server import LiveServer
from tests.support.stream import Stream, live_stream
from tests.support.visitor import Visitor

TAG = 16
STAMP = struct.Struct("!8sQd")


def bus_port(cluster: Cluster, srv: LiveServer) -> int:
    assert srv.proc is not None
    return rows(cluster.database, "SELECT bus_port FROM cluster_members WHERE pid = ?", srv.proc.pid)[0][0]


def bus_key(cluster: Cluster) -> bytes:
    (secret,) = rows(cluster.database, "SELECT secret FROM server_keys WHERE name = 'cluster_bus'")[0]
    return bytes.fromhex(secret)


def typing_texts(desk: Stream, text: str) -> int:
    return sum(1 for f in desk.frames if f.get("type") == "typing" and f.get("text") == text)


async def typed(desk: Stream, text: str) -> None:
    """Waits for the typing frame with this text on the desk."""
    await desk.next(lambda f: f["type"] == "typing" and f.get("text") == text, timeout=20)


def freshness_drops(srv: LiveServer) -> list[str]:
    return [line for line in srv.log().splitlines() if "replayed datagrams" in line]


class _Heard(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.datagrams: list[bytes] = []

    def datagram_received(self, data: bytes, addr: object) -> None:
        self.datagrams.append(data)


@contextlib.asynccontextmanager
async def wiretap(cluster: Cluster) -> AsyncIterator[_Heard]:
    """A UDP socket listed in cluster_members as one more peer, so the processes send it what they
    send each other: the datagrams as they travel. Its heartbeat is set 10 minutes ahead, so no
    process removes it as stale during the test."""
    transport, heard = await asyncio.get_running_loop().create_datagram_endpoint(
        _Heard, local_addr=("127.0.0.1", 0))
    port = transport.get_extra_info("sockname")[1]
    now = time.time()
    rows(cluster.database, "INSERT INTO cluster_members (member_id, pid, bus_host, bus_port, started_at, "
         "heartbeat_at) VALUES ('wiretap', 0, '127.0.0.1', ?, ?, ?)", port, now, now + 600)
    try:
        yield heard
    finally:
        transport.close()
        rows(cluster.database, "DELETE FROM cluster_members WHERE member_id = 'wiretap'")


async def desk_and_chat(cluster: Cluster) -> tuple[Operator, Stream, Visitor]:
    """Ana's desk stream on process a; Maria waiting in a chat, her stream on process b."""
    ana = await Operator.create(cluster[0], "ana@example.com")
    desk = await live_stream(cluster[0], ana.token)
    maria = await Visitor(cluster[1]).arrive()
    await maria.start_chat("is the kettle in stock?")
    await maria.open_stream()
    return ana, desk, maria


@pytest.mark.timeout(120)
async def test_a_recorded_datagram_sent_again_is_dropped(cluster):
    a = cluster[0]
    ana, desk, maria = await desk_and_chat(cluster)
    recorded = b""
    async with wiretap(cluster) as heard:
        for i in range(1, 60):          # until process b has read the wiretap's row (its heartbeat)
            text = f"draft {i}"
            await maria.stream_typing(True, text)
            await typed(desk, text)
            recorded = next((d for d in heard.datagrams if f'"text":"{text}"'.encode() in d), b"")
            if recorded:
                break
            await asyncio.sleep(0.2)
    assert recorded, "process b never sent the wiretap a datagram"
    assert typing_texts(desk, text) == 1

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        for _ in range(5):
            udp.sendto(recorded, ("127.0.0.1", bus_port(cluster, a)))
    await maria.stream_typing(True, "and in blue")      # after the replays, through the same port
    await typed(desk, "and in blue")
    assert typing_texts(desk, text) == 1, "a replayed datagram reached the desk"
    drops = freshness_drops(a)
    assert len(drops) == 1, drops                       # 5 dropped: one line this minute
    assert "dropped 1 replayed datagrams and 0 out of its time window" in drops[0]
    await desk.close()
    await maria.close()
    await ana.close()


@pytest.mark.timeout(120)
async def test_a_signed_datagram_stamped_outside_the_window_is_dropped(cluster):
    a = cluster[0]
    ana = await Operator.create(a, "ana@example.com")
    desk = await live_stream(a, ana.token)
    key, port, boot_id = bus_key(cluster), bus_port(cluster, a), secrets.token_bytes(8)

    def signed(counter: int, sent: float, text: str) -> bytes:
        frame = {"type": "typing", "conversation_id": 1, "actor": "visitor", "is_typing": True, "text": text}
        body = STAMP.pack(boot_id, counter, sent) + json.dumps(
            {"k": "frame", "to": ["operators"], "frame": frame}, separators=(",", ":")).encode()
        return hmac.digest(key, body, hashlib.sha256)[:TAG] + body

    now = time.time()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.sendto(signed(1, now - 45, "a minute ago"), ("127.0.0.1", port))
        udp.sendto(signed(2, now + 45, "a minute ahead"), ("127.0.0.1", port))
        udp.sendto(signed(3, now, "just now"), ("127.0.0.1", port))     # the same sender, in time
    await typed(desk, "just now")
    assert typing_texts(desk, "a minute ago") == typing_texts(desk, "a minute ahead") == 0
    drops = freshness_drops(a)
    assert len(drops) == 1, drops
    assert "dropped 0 replayed datagrams and 1 out of its time window" in drops[0]
    await desk.close()
    await ana.close()


@pytest.mark.timeout(180)
async def test_a_restarted_process_is_heard_at_once(cluster):
    a, b = cluster[0], cluster[1]
    ana, desk, maria = await desk_and_chat(cluster)
    for i in range(1, 31):              # process a has passed counter 30 of b's first boot
        await maria.stream_typing(True, f"draft {i}")
    await typed(desk, "draft 30")
    await maria.close_stream()

    await asyncio.to_thread(b.restart)  # a new process: a new boot id, its counter from 1
    maria.retry_for = 20                # the pooled connection to the old process is gone
    await maria.typing("after the restart")
    await typed(desk, "after the restart")
    assert not freshness_drops(a)
    await desk.close()
    await maria.close()
    await ana.close()
