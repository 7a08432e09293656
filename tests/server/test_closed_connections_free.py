"""A closed connection is freed by reference counting (security/guarded_server.py): it leaves no
reference cycle for a full collection, which the server would otherwise have to wait for, and
which the frozen survivors (server/gc_tuning.py) would keep for good. The real server
(tests/support/gc_report_server.py reports its collectable garbage), real websockets and HTTP
connections on loopback."""
from __future__ import annotations

import asyncio
import json
import signal
import time

from tests.support.live_server import LiveServer
from tests.support.stream import Stream
from tests.support.visitor import Visitor

STREAMS = 60
# Types that only the server's connections hold: none of them may wait in a cycle.
CONNECTION_TYPES = ("chatdesk.server.security.guarded_server.GuardedWebSocket",
                    "chatdesk.server.security.guarded_server.GuardedHttp",
                    "chatdesk.server.security.connections.Connection",
                    "websockets.server.ServerProtocol",
                    "asyncio.selector_events._SelectorSocketTransport")


def _garbage(srv: LiveServer, report) -> dict:
    report.unlink(missing_ok=True)
    assert srv.proc is not None
    srv.proc.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 20
    while not report.exists():
        assert time.monotonic() < deadline, srv.log()[-2000:]
        time.sleep(0.05)
    time.sleep(0.1)
    return json.loads(report.read_text())


async def test_closed_streams_and_http_connections_leave_no_cycles(tmp_path) -> None:
    report = tmp_path / "gc.json"
    srv = LiveServer(tmp_path / "chat.db", module="tests.support.gc_report_server",
                     env={"CHATDESK_GC_REPORT": str(report)},
                     extra_args=["--visitor-rate", "0", "--address-rate", "0", "--connections-per-address", "0"]).start()
    try:
        open_now = []
        for _ in range(STREAMS):              # each a kept-alive HTTP connection and a stream
            v = await Visitor(srv).arrive()
            open_now.append((v, await Stream.open(srv, visitor_token=v.token, after=0)))   # with the resume
        held = _garbage(srv, report)          # a full collection: the open connections are frozen now
        for v, stream in open_now:
            await stream.close()
            await v.close()
        del open_now
        await asyncio.sleep(1.0)              # the server sees every close
        after = _garbage(srv, report)
    finally:
        srv.stop()
    assert held["frozen"] > 50_000
    left = {kind: after["garbage"].get(kind, 0) for kind in CONNECTION_TYPES}
    assert left == dict.fromkeys(CONNECTION_TYPES, 0), left
    # a stream's SQL filter lived as long as the stream: one cycle each
    assert after["garbage"].get("sqlalchemy.sql.elements.BinaryExpression", 0) < STREAMS // 2, after["garbage"]
