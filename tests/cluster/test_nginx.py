"""deploy/nginx.conf really run: a real nginx (tests/support/nginx.py: the shipped file with only its
addresses changed) in front of 3 `chatdesk server --cluster` processes. REST, the operator's and the
visitor's websockets pass through it; after the process holding the desk's websocket is killed
with -9, the desk resumes through nginx and gets every event once, in order (the same ids as a
fresh replay); the upgrade's headers come back, and the timeouts fit the servers'."""
from __future__ import annotations

import asyncio
import re

import pytest
from websockets.exceptions import ConnectionClosed

from chatdesk.server.config import ServerConfig
from tests.support.api import Operator
from tests.support.cluster import Cluster
from tests.support.nginx import SHIPPED, Nginx, established_to
from tests.support.stream import Stream
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

SERVER_PING = 20.0      # uvicorn's websocket ping (server/main.py keeps its default)
UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def seconds(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(ms|s|m|h)?", value).groups()     # type: ignore[union-attr]
    return int(number) * UNITS[unit or "s"]


def block(text: str, head: str) -> str:
    """The body of the first `head { ... }` block (no nested blocks in ours)."""
    start = text.index(head + " {")
    return text[start:text.index("}", start)]


def directive(body: str, name: str) -> str:
    found = re.findall(rf"^\s*{name}\s+([^;]+);", body, flags=re.M)
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


def test_the_shipped_timeouts_fit_the_servers():
    text = SHIPPED.read_text()
    # nginx must give up an idle upstream connection before the server closes it
    assert seconds(directive(block(text, "upstream chatdesk"), "keepalive_timeout")) < ServerConfig.idle_timeout
    rest = block(text, "location /")
    assert seconds(directive(rest, "proxy_read_timeout")) <= 60        # a hung process: not an hour
    ws_head = re.search(r"location ~ (\S+) \{", text)
    assert ws_head is not None
    pattern = re.compile(ws_head.group(1))
    assert pattern.search("/api/v1/stream") and pattern.search("/api/v1/visitor/stream")
    assert not pattern.search("/api/v1/visitor/streams") and not pattern.search("/api/v1/queue")
    websockets = block(text, f"location ~ {ws_head.group(1)}")
    for name in ("proxy_read_timeout", "proxy_send_timeout"):
        assert seconds(directive(websockets, name)) >= 3 * SERVER_PING


async def frames_upto(stream: Stream, newest: int) -> None:
    if not any(f.get("event_id", 0) >= newest for f in stream.events()):
        await stream.next(lambda f: f.get("event_id", 0) >= newest, timeout=20)


@pytest.mark.skipif(Nginx.binary() is None, reason="needs nginx (apt-get install nginx; .ci/run installs it)")
@pytest.mark.timeout(120)
async def test_rest_websockets_and_a_resume_after_kill_9_through_nginx(tmp_path):
    cluster = Cluster(tmp_path / "chat.db", 3, extra_args=["--connections-per-address", "0"]).start()
    lb = Nginx(tmp_path / "nginx", [s.port for s in cluster.servers]).start()
    desk: Stream | None = None
    try:
        cluster[0].add_user("ana@example.com", "Ana", max_chats=8)
        token = cluster[0].login("ana@example.com")      # straight to a process: nginx has no connection yet
        base = cluster.newest_event()
        desk = await Stream.open(lb, token=token, after=base)
        assert desk.ws.response.headers["Upgrade"].lower() == "websocket"
        assert desk.ws.response.headers["Connection"].lower() == "upgrade"
        holding = [s for s in cluster.servers if established_to(s.port) == 1]
        assert len(holding) == 1, [established_to(s.port) for s in cluster.servers]
        victim = holding[0]

        ana = Operator(lb, token)
        await ana.status("online")
        assert (await ana.get("/queue")).status_code == 200
        maria = await Visitor(lb, retry_for=20).arrive()
        cid = await maria.start_chat("hello through nginx")
        await maria.open_stream()
        assert (await ana.accept(cid)).status_code == 200
        await ana.say(cid, "hi from ana")
        await wait_for(lambda: "hi from ana" in maria.bodies("operator"), "ana's answer on maria's websocket",
                       timeout=20)
        await frames_upto(desk, cluster.newest_event())

        await asyncio.to_thread(victim.kill)
        with pytest.raises(ConnectionClosed):        # nginx ends the websocket with its process
            await desk.next(lambda f: False, timeout=20)
        for n in range(3):                           # meanwhile the others take every request
            await maria.say(f"while a process is down {n}")
        seen = [f["event_id"] for f in desk.events()]
        again = await Stream.open(lb, token=token, after=seen[-1])
        await maria.say("after the resume")
        newest = cluster.newest_event()
        await frames_upto(again, newest)
        replay = await Stream.open(lb, token=token, after=base)
        await frames_upto(replay, newest)

        delivered = seen + [f["event_id"] for f in again.events()]
        replayed = [f["event_id"] for f in replay.events()]
        assert delivered == replayed, (delivered, replayed)
        assert delivered == sorted(set(delivered))                # once each, in order
        bodies = [f["data"]["body"] for f in desk.events() + again.events()
                  if f["type"] == "message.created"]
        lines = [f"while a process is down {n}" for n in range(3)] + ["after the resume"]
        assert [b for b in bodies if b in lines] == lines
        for s in (again, replay):
            await s.close()
        await maria.close()
        await ana.close()
        assert "[alert]" not in lb.log() and "[emerg]" not in lb.log(), lb.log()[-3000:]
    finally:
        lb.stop()
        cluster.stop()
