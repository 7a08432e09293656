"""The demo's simulated colleague against the real server: takes a waiting chat, greets, answers
the visitor's line once (never twice, also while an answer waits for a trainer), closes after a
few turns.

The server is this module's own: a colleague takes the chat that waited longest, so the queue must
hold only this test's chat (the package's shared server keeps other tests' queued chats). THINK is
(0, 0): a colleague never waits to read, so each look at the chat is an answer or a refusal to
answer twice, never a "still reading" that depends on how fast the machine is."""
from __future__ import annotations

import random

import httpx
import pytest

from chatdesk.demo import colleagues
from chatdesk.protocol.limits import API_PREFIX
from tests.support.live_server import serving
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    """This module's server: its queue holds only the chat of the test at hand (each test leaves none waiting)."""
    yield from serving(tmp_path_factory.mktemp("colleagues"))


@pytest.fixture(autouse=True)
def at_once(monkeypatch):
    monkeypatch.setattr(colleagues, "TAKE_AFTER", 0.0)
    monkeypatch.setattr(colleagues, "THINK", (0.0, 0.0))


async def test_a_colleague_takes_greets_answers_once_and_closes(srv):
    token = srv.operator("colleague@demo.test", "Cole League")
    v = await Visitor(srv.url).arrive()
    cid = await v.start_chat("Is anyone there?", name="Vee")
    await v.open_stream()
    async with httpx.AsyncClient(base_url=srv.url + API_PREFIX, timeout=10) as http:
        cole = colleagues.Colleague(http, "colleague@demo.test", "", random.Random(1))
        cole.headers = {"Authorization": f"Bearer {token}"}
        cole.name = "Cole League"
        await cole._take_one()
        assert list(cole.turns) == [cid]         # the only waiting chat
        said = await wait_for(lambda: [m for m in v.bodies("operator")], "the greeting")
        assert said[0].startswith("Hi, I'm Cole.")
        await v.say("Do you ship to Norway?")
        await wait_for(lambda: "Do you ship to Norway?" in v.bodies(), "the line delivered")
        for _ in range(3):
            await cole._answer(cid)
        await wait_for(lambda: len(v.bodies("operator")) >= 2, "an answer")
        answers = [m["body"] for m in await v.transcript() if m["author_type"] == "operator"]
        assert len(answers) == 2, answers        # greeting + one answer, however often it looks
        for n in range(6):                       # the visitor goes on; the colleague closes in the end
            if cid not in cole.turns:
                break
            await v.say(f"and another thing {n}")
            await wait_for(lambda n=n: f"and another thing {n}" in v.bodies(), "delivered")
            await cole._answer(cid)
        assert cid not in cole.turns and colleagues.CLOSING in v.bodies("operator")
    await v.close()


async def test_a_novice_colleague_answers_a_line_once_while_it_waits_for_a_trainer(srv):
    token = srv.operator("novice-colleague@demo.test", "Nova Colleague")
    coach = srv.operator("coach@demo.test", "Coach Demo", role="trainer")
    v = await Visitor(srv.url).arrive()
    cid = await v.start_chat("Hello?", name="Wes")
    await v.open_stream()
    async with httpx.AsyncClient(base_url=srv.url + API_PREFIX, timeout=10) as http:
        boss = {"Authorization": f"Bearer {coach}"}
        me = (await http.get("/me", headers={"Authorization": f"Bearer {token}"})).json()
        (await http.patch(f"/operators/{me['id']}", json={"approval_required": True}, headers=boss)).raise_for_status()
        nova = colleagues.Colleague(http, "novice-colleague@demo.test", "", random.Random(2))
        nova.headers, nova.name = {"Authorization": f"Bearer {token}"}, "Nova Colleague"
        await nova._take_one()
        assert list(nova.turns) == [cid]
        for _ in range(4):                       # the visitor's line stays the last message: held answers
            await nova._answer(cid)
        held = (await http.get("/approvals", params={"conversation_id": cid}, headers=boss)).json()["approvals"]
        assert len(held) == 2, [a["body"] for a in held]   # the greeting and one answer, not four
    await v.close()
