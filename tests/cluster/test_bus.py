"""The cluster bus is signed: datagrams sent to a process's bus port without the cluster's HMAC (the
old plain JSON, a wrong tag, a tag made with another key) are dropped, and logged once a minute
with their count, while the processes' own datagrams still carry typing across. The key is the
database's own (server_keys) when no CHATDESK_BUS_SECRET is given."""
from __future__ import annotations

import hashlib
import hmac
import json
import socket

import pytest

from tests.support.api import Operator
from tests.support.database import rows
from tests.support.stream import live_stream
from tests.support.visitor import Visitor

TAG = 16


@pytest.mark.timeout(120)
async def test_a_forged_datagram_is_dropped_and_logged_once(cluster):
    a, b = cluster[0], cluster[1]
    ana = await Operator.create(a, "ana@example.com")
    desk = await live_stream(a, ana.token)
    maria = await Visitor(b).arrive()
    cid = await maria.start_chat("is the kettle in stock?")
    await maria.open_stream()
    assert a.proc is not None
    (port,) = rows(cluster.database, "SELECT bus_port FROM cluster_members WHERE pid = ?", a.proc.pid)[0]
    (stored,) = rows(cluster.database, "SELECT secret FROM server_keys WHERE name = 'cluster_bus'")[0]
    assert len(bytes.fromhex(stored)) == 32

    forged = json.dumps({"k": "frame", "to": ["operators"], "frame": {
        "type": "typing", "conversation_id": cid, "actor": "visitor", "is_typing": True, "text": "forged"}},
        separators=(",", ":")).encode()
    other_key = hmac.digest(b"not the cluster's key", forged, hashlib.sha256)[:TAG]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        for _ in range(40):
            for datagram in (forged, b"\0" * TAG + forged, other_key + forged, b"x"):
                udp.sendto(datagram, ("127.0.0.1", port))

    await maria.stream_typing(True, "and in blue")        # the real thing, signed by process b
    frame = await desk.next(lambda f: f["type"] == "typing" and f.get("conversation_id") == cid, timeout=20)
    assert frame["text"] == "and in blue"
    assert not [f for f in desk.frames if f.get("text") == "forged"]
    drops = [line for line in a.log().splitlines() if "failed their HMAC" in line]
    assert len(drops) == 1, drops                         # 160 dropped: one line this minute
    assert "127.0.0.1" in drops[0]
    await desk.close()
    await maria.close()
    await ana.close()
