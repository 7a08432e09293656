"""The simulator against the real server: the `chatdesk simulate` command as a subprocess, checked
from the operator's side over the real REST API; and the in-process API the demo uses."""
from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import sys
import time
import uuid

import httpx
import pytest
from websockets.sync.client import connect

from chatdesk.simulator.run import SimulatorError, simulate
from chatdesk.simulator.script import REFERRERS
from tests.support.live_server import LiveServer


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One real server for the module; each test tells its own chats apart from earlier ones."""
    srv = LiveServer(tmp_path_factory.mktemp("sim") / "chat.db").start()
    yield srv
    srv.stop()


def wait_until(fetch, what: str, timeout: float = 15.0):
    """Poll `fetch` until it returns something truthy; fail with `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


class Desk:
    """The operator side, over the real REST API."""

    def __init__(self, url: str, token: str):
        self.token = token
        self.http = httpx.Client(base_url=url + "/api/v1", headers={"Authorization": f"Bearer {token}"},
                                 timeout=10)

    def get(self, path: str):
        r = self.http.get(path)
        r.raise_for_status()
        return r.json()

    def post(self, path: str, body: dict | None = None):
        r = self.http.post(path, json=body or {})
        r.raise_for_status()
        return r.json()

    def queue(self) -> list[dict]:
        return self.get("/queue")["queue"]

    def reply(self, conversation_id: int, body: str) -> None:
        self.post(f"/conversations/{conversation_id}/messages",
                  {"client_msg_id": uuid.uuid4().hex, "body": body, "kind": "text"})

    def messages(self, conversation_id: int) -> list[dict]:
        return self.get(f"/conversations/{conversation_id}")["messages"]


def new_chats(desk: Desk, earlier: set[int]) -> list[dict]:
    return [e for e in desk.queue() if e["conversation"]["id"] not in earlier]


def run_and_answer(server, desk: Desk, earlier: set[int], stream):
    """Run the real command, play the operator, then Ctrl+C it; returns (stdout, stderr, proc)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "chatdesk", "simulate", "--url", server.url,
         "--visitors", "3", "--duration", "8", "--seed", "7"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        entry = wait_until(lambda: next(iter(new_chats(desk, earlier)), None),
                           "a simulated chat in the queue")
        conv, visitor = entry["conversation"], entry["visitor"]
        assert conv["state"] == "queued" and conv["department"] in ("sales", "support")
        first = desk.messages(conv["id"])
        assert first and first[0]["author_type"] == "visitor" and len(first[0]["body"]) > 5

        journey = desk.get(f"/visitors/{visitor['id']}")
        assert journey["pageviews"], "the visitor's page views reached the server"
        for view in journey["pageviews"]:
            assert view["url"].startswith(server.url + "/shop/")
            assert "Northwind Outfitters" in view["title"]
        assert journey["pageviews"][0]["referrer"] in {ref for ref, _ in REFERRERS}

        desk.post(f"/conversations/{conv['id']}/accept")
        desk.reply(conv["id"], "Hello! Happy to help. Could you tell me a little more?")

        def visitor_answered():
            msgs = desk.messages(conv["id"])
            mine = [m["seq"] for m in msgs if m["author_type"] == "operator"]
            return [m for m in msgs if m["author_type"] == "visitor" and mine and m["seq"] > mine[0]]
        answer = wait_until(visitor_answered, "the simulated visitor to answer the operator")
        assert answer[0]["body"].strip()

        def draft_seen():   # the visitor typed that answer with typing frames carrying the draft
            frame = json.loads(stream.recv(timeout=10))
            return frame.get("type") == "typing" and frame.get("actor") == "visitor" \
                and frame.get("conversation_id") == conv["id"] and frame.get("text")
        assert answer[0]["body"].startswith(wait_until(draft_seen, "a sneak peek of the visitor's draft")
                                            .split(" ")[0])

        # Ctrl+C ends the run early and still prints the summary.
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return out, err, proc


def test_simulate_command_browses_opens_chats_and_answers_the_operator(server):
    desk = Desk(server.url, server.operator("sim-desk@example.com"))
    earlier = {e["conversation"]["id"] for e in desk.queue()}
    with connect(server.ws_url + "/api/v1/stream", proxy=None) as stream:   # to see the sneak peek
        stream.send(json.dumps({"type": "auth", "token": desk.token}))
        stream.send(json.dumps({"type": "resume", "after": 0}))
        out, err, proc = run_and_answer(server, desk, earlier, stream)
    assert proc.returncode == 0, err
    summary = re.search(r"simulated (\d+) visitors .*?(\d+) page views, (\d+) chats opened, "
                        r"(\d+) messages sent, (\d+) received", out)
    assert summary, out
    visitors, views, chats, sent, received = map(int, summary.groups())
    assert visitors >= 1 and views >= visitors and chats >= 1 and sent >= 2 and received >= 1


async def test_simulate_api_brings_visitors_back_and_stops_when_asked(server):
    token = server.operator("sim-back@example.com")
    desk = Desk(server.url, token)
    earlier = {e["conversation"]["id"] for e in desk.queue()}
    stop = asyncio.Event()
    run = asyncio.create_task(simulate(server.url, visitors=1, duration=12, seed=7, stop_event=stop,
                                       pace=0.04, return_chance=1.0))

    async def poll(fetch, what, timeout=15.0):
        deadline = time.monotonic() + timeout
        while not (value := await asyncio.to_thread(fetch)):
            assert not run.done(), f"simulate() ended early: {run.exception() or run.result()}"
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}")
            await asyncio.sleep(0.1)
        return value

    entry = await poll(lambda: next(iter(new_chats(desk, earlier)), None), "the first chat")
    conv_id, visitor_id = entry["conversation"]["id"], entry["visitor"]["id"]
    # Ending the chat sends the visitor on their way; with return_chance=1 they come back.
    await asyncio.to_thread(desk.post, f"/conversations/{conv_id}/accept")
    await asyncio.to_thread(desk.post, f"/conversations/{conv_id}/close", {"summary": "sim", "tags": []})
    # Coming back means the same visitor_id: the server files the second chat under the same visitor.
    second = await poll(lambda: [e for e in new_chats(desk, earlier | {conv_id})
                                 if e["visitor"]["id"] == visitor_id],
                        "the same visitor to come back and chat again")
    # The returning visitor's new chat is live (not ended by the replay of the first one's close).
    conv2 = second[0]["conversation"]["id"]
    await asyncio.to_thread(desk.post, f"/conversations/{conv2}/accept")
    await asyncio.to_thread(desk.reply, conv2, "Welcome back! What can I do for you?")
    await poll(lambda: desk.messages(conv2)[-1]["author_type"] == "visitor"
               and len(desk.messages(conv2)) >= 3, "the returning visitor to answer")

    stop.set()
    summary = await asyncio.wait_for(run, timeout=3)   # well before the 12 s deadline: it obeyed stop
    assert summary.visitors == 1 and summary.returning_visits >= 1 and summary.chats_opened >= 2
    assert summary.messages_received >= 1, "the returning visitor heard the operator's welcome"


async def test_simulate_refuses_servers_off_this_machine():
    with pytest.raises(SimulatorError, match="only talks to a server on this machine"):
        await simulate("http://example.com:8765", visitors=1, duration=1)


async def test_the_visitor_left_to_the_desk_waits_for_the_first_answer_however_long(server):
    """The demo's returning visitor (follow_up) is left to the person at the desk, whose desk may
    still be starting on a busy machine: she waits for the first answer past any patience (she
    gave up before and the demo test's answer never came), then answers like any visitor."""
    from chatdesk.simulator.run import follow_up
    from tests.support.visitor import Visitor

    desk = Desk(server.url, server.operator("sim-late@example.com"))
    visitor = await Visitor(server.url).arrive(server.url + "/shop/", "Home")
    cid = await visitor.start_chat("Hi again! Is the trail jacket back in XS?", name="Ines")
    # pace 0.01: each patience is 0.6-1.5 s; before, two of them ended her chat
    her = asyncio.create_task(follow_up(server.url, visitor.id, "Ines", "sizes", duration=120, pace=0.01))
    try:
        done, _ = await asyncio.wait({her}, timeout=8)
        assert not done, f"she left after about 8 s: {her.result() if not her.exception() else her.exception()}"
        said = [m["body"] for m in await asyncio.to_thread(desk.messages, cid)]
        assert said == ["Hi again! Is the trail jacket back in XS?"]        # no "Hello? anyone there?"
        await asyncio.to_thread(desk.post, f"/conversations/{cid}/accept")
        await asyncio.to_thread(desk.reply, cid, "Which size do you need?")
        deadline = time.monotonic() + 30
        while (await asyncio.to_thread(desk.messages, cid))[-1]["author_type"] != "visitor":
            assert time.monotonic() < deadline and not her.done(), "her answer did not come"
            await asyncio.sleep(0.1)
    finally:
        her.cancel()
        await asyncio.gather(her, return_exceptions=True)
        await visitor.close()


async def test_simulate_stops_by_itself_when_the_server_goes_away(server):
    """Last in the module: it kills the module's server."""
    desk = Desk(server.url, server.operator("sim-gone@example.com"))
    earlier = {e["conversation"]["id"] for e in desk.queue()}
    run = asyncio.create_task(simulate(server.url, visitors=4, duration=60, seed=1, pace=0.04))
    deadline = time.monotonic() + 15
    while not await asyncio.to_thread(new_chats, desk, earlier):
        assert time.monotonic() < deadline, "no simulated chat appeared"
        await asyncio.sleep(0.1)
    server.kill()
    summary = await asyncio.wait_for(run, timeout=30)   # far before the 60 s deadline
    assert summary.server_gone and summary.errors >= 10
    assert "stopped answering" in summary.line()
