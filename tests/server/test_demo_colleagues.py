"""The demo's simulated colleague against the real server: takes a waiting chat, greets, answers
the visitor's line once (never twice, also while an answer waits for a trainer), closes after a
few turns."""
from __future__ import annotations

import random

import httpx

from chatdesk.demo import colleagues
from chatdesk.protocol.limits import API_PREFIX
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for


async def test_a_colleague_takes_greets_answers_once_and_closes(shared_server, monkeypatch):
    monkeypatch.setattr(colleagues, "TAKE_AFTER", 0.0)
    monkeypatch.setattr(colleagues, "THINK", (0.0, 0.01))
    token = shared_server.operator("colleague@demo.test", "Cole League")
    v = await Visitor(shared_server.url).arrive()
    cid = await v.start_chat("Is anyone there?", name="Vee")
    await v.open_stream()
    async with httpx.AsyncClient(base_url=shared_server.url + API_PREFIX, timeout=10) as http:
        cole = colleagues.Colleague(http, "colleague@demo.test", "", random.Random(1))
        cole.headers = {"Authorization": f"Bearer {token}"}
        cole.name = "Cole League"
        while cid not in cole.turns:
            await cole._take_one()               # the shared queue may hold other tests' chats first
            if cole.turns and cid not in cole.turns:
                cole.turns.clear()
        said = await wait_for(lambda: [m for m in v.bodies("operator")], "the greeting")
        assert said[0].startswith("Hi, I'm Cole.")
        await v.say("Do you ship to Norway?")
        await wait_for(lambda: "Do you ship to Norway?" in v.bodies(), "the line delivered")
        for _ in range(3):
            await cole._answer(cid)
        answers = await wait_for(lambda: len(v.bodies("operator")) >= 2 and v.bodies("operator"), "an answer")
        assert len(answers) == 2, answers        # greeting + one answer, however often it looks
        for n in range(6):                       # the visitor goes on; the colleague closes in the end
            if cid not in cole.turns:
                break
            await v.say(f"and another thing {n}")
            await wait_for(lambda n=n: f"and another thing {n}" in v.bodies(), "delivered")
            await cole._answer(cid)
        assert cid not in cole.turns and colleagues.CLOSING in v.bodies("operator")
    await v.close()


async def test_a_novice_colleague_answers_a_line_once_while_it_waits_for_a_trainer(shared_server, monkeypatch):
    monkeypatch.setattr(colleagues, "TAKE_AFTER", 0.0)
    monkeypatch.setattr(colleagues, "THINK", (0.0, 0.01))
    token = shared_server.operator("novice-colleague@demo.test", "Nova Colleague")
    coach = shared_server.operator("coach@demo.test", "Coach Demo", role="trainer")
    v = await Visitor(shared_server.url).arrive()
    cid = await v.start_chat("Hello?", name="Wes")
    await v.open_stream()
    async with httpx.AsyncClient(base_url=shared_server.url + API_PREFIX, timeout=10) as http:
        boss = {"Authorization": f"Bearer {coach}"}
        me = (await http.get("/me", headers={"Authorization": f"Bearer {token}"})).json()
        (await http.patch(f"/operators/{me['id']}", json={"approval_required": True}, headers=boss)).raise_for_status()
        nova = colleagues.Colleague(http, "novice-colleague@demo.test", "", random.Random(2))
        nova.headers, nova.name = {"Authorization": f"Bearer {token}"}, "Nova Colleague"
        while cid not in nova.turns:
            await nova._take_one()
            if nova.turns and cid not in nova.turns:
                nova.turns.clear()
        for _ in range(4):                       # the visitor's line stays the last message: held answers
            await nova._answer(cid)
        held = (await http.get("/approvals", params={"conversation_id": cid}, headers=boss)).json()["approvals"]
        assert len(held) == 2, [a["body"] for a in held]   # the greeting and one answer, not four
    await v.close()
