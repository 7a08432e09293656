"""The demo's colleagues: operators driven over the real REST API so the queue moves and the board
is alive. Each takes a waiting chat now and then (after a short wait, so the person at the desk
gets chats too), greets, answers the visitor's lines and closes the chat after a few turns; a
simulated trainer approves a novice's held messages. Also runs the visitors whose chats the demo
opened before the desk started (the seeded returning visitor first, left to the person at the
desk): they answer like any simulated visitor (chatdesk.simulator.run.follow_up).

Run as a child process of `chatdesk demo`:
    python -m chatdesk.demo.colleagues URL EMAIL[,EMAIL...] [--trainer EMAIL] [--visitor ID:TOPIC:NAME ...]
"""
from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import uuid
from typing import Any

import httpx

from chatdesk.protocol.limits import API_PREFIX

TAKE_AFTER = 8.0        # seconds a chat waits before a colleague takes it
THINK = (3.0, 8.0)      # seconds a colleague takes to answer
POLL = 1.5
GREETING = "Hi, I'm {name}. Thanks for waiting! How can I help?"
ANSWERS = [
    "Let me check that for you. Which size are you looking for?",
    "Yes, that's in stock and ships today if you order before 2 pm.",
    "Good question. Standard delivery takes 2-3 working days; express is next day.",
    "You can return it within 30 days, the label is free. Anything else I can do?",
    "I've noted that on your order. Is there anything else?",
]
CLOSING = "Thanks for chatting! Have a lovely day."
SUMMARY = "Answered by a demo colleague."


def _id() -> str:
    return uuid.uuid4().hex


class Colleague:
    """One operator at work: takes chats up to their cap, answers, closes."""

    def __init__(self, http: httpx.AsyncClient, email: str, password: str, rng: random.Random,
                 leave: frozenset[str] = frozenset()) -> None:
        """`leave`: visitors whose chats are left to the person at the desk."""
        self.http, self.email, self.password, self.rng, self.leave = http, email, password, rng, leave
        self.headers: dict[str, str] = {}
        self.name = email
        self.cap = 2
        self.turns: dict[int, int] = {}           # my chats: answers given so far
        self.answered: dict[int, Any] = {}        # my chats: seq of the visitor line answered last

    async def login(self) -> None:
        answer = (await self.http.post("/auth/login", json={"email": self.email, "password": self.password}))
        answer.raise_for_status()
        self.headers = {"Authorization": f"Bearer {answer.json()['token']}"}
        me = (await self.http.put("/me/status", json={"status": "online"}, headers=self.headers)).json()
        self.name, self.cap = str(me.get("name") or self.email), max(1, min(int(me.get("max_chats", 2)), 3))

    async def work(self) -> None:
        """Signs in (again and again while the busy server times it out), then works for good:
        a refused or odd answer is tried again later, never the end of this colleague."""
        await _login_patiently(self)
        while True:
            try:
                await self._take_one()
                for cid in list(self.turns):
                    await self._answer(cid)
            except (httpx.HTTPError, ValueError, KeyError, TypeError) as e:
                print(f"{self.email}: {e.__class__.__name__}: {e}", file=sys.stderr, flush=True)
            await asyncio.sleep(POLL + self.rng.uniform(0, 1))

    async def _take_one(self) -> None:
        if len(self.turns) >= self.cap:
            return
        queue = (await self.http.get("/queue", headers=self.headers)).json().get("queue", [])
        ready = [e for e in queue if e.get("wait_seconds", 0) >= TAKE_AFTER
                 and (e.get("visitor") or {}).get("id") not in self.leave]
        if not ready:
            return
        cid = int(ready[0]["conversation"]["id"])
        if (await self.http.post(f"/conversations/{cid}/accept", headers=self.headers)).status_code < 400:
            self.turns[cid] = 0
            await asyncio.sleep(self.rng.uniform(*THINK))
            await self._say(cid, GREETING.format(name=self.name.split()[0]))

    async def _answer(self, cid: int) -> None:
        r = await self.http.get(f"/conversations/{cid}", params={"last": 5, "events": "false"}, headers=self.headers)
        detail: dict[str, Any] = r.json() if r.status_code < 400 else {}
        conv = detail.get("conversation") or {}
        if conv.get("state") != "active" or conv.get("operator_name") != self.name:
            self.turns.pop(cid, None)              # closed, missed, transferred or taken over
            return
        messages = [m for m in detail.get("messages", []) if m.get("kind", "text") == "text"]
        if not messages or messages[-1].get("author_type") != "visitor":
            return
        last = messages[-1]
        if time.time() - float(last.get("ts", 0)) < self.rng.uniform(*THINK):
            return                                  # still reading
        if self.answered.get(cid) == last.get("seq"):
            return                                  # answered already (a novice's answer waits for a trainer)
        self.answered[cid] = last.get("seq")
        self.turns[cid] += 1
        if self.turns[cid] > self.rng.randint(2, 4):
            await self._say(cid, CLOSING)
            await self.http.post(f"/conversations/{cid}/close", json={"summary": SUMMARY, "tags": ["demo"]},
                                 headers=self.headers)
            self.turns.pop(cid, None)
            return
        await self._say(cid, self.rng.choice(ANSWERS))

    async def _say(self, cid: int, body: str) -> None:
        await self.http.post(f"/conversations/{cid}/messages", json={"client_msg_id": _id(), "body": body,
                                                                     "kind": "text"}, headers=self.headers)


async def approve_held(trainer: Colleague) -> None:
    """A trainer who approves each held message after a moment."""
    await _login_patiently(trainer)
    while True:
        try:
            held = (await trainer.http.get("/approvals", headers=trainer.headers)).json().get("approvals", [])
            for a in held:
                if time.time() - float(a.get("created_at", 0)) >= THINK[0]:
                    await trainer.http.post(f"/approvals/{a['id']}", json={"action": "approve"}, headers=trainer.headers)
        except httpx.HTTPError:
            pass
        await asyncio.sleep(POLL)


async def run(url: str, emails: list[str], password: str, trainer: str | None,
              visitors: list[tuple[str, str, str]]) -> None:
    """`visitors`: (id, topic, name) of visitors with an open chat; the first one's is left to the desk."""
    rng = random.Random()
    async with httpx.AsyncClient(base_url=url + API_PREFIX, timeout=10, trust_env=False) as http:
        leave = frozenset(vid for vid, _, _ in visitors[:1])
        staff = [Colleague(http, e, password, rng, leave) for e in emails]
        boss = Colleague(http, trainer, password, rng) if trainer else None
        from chatdesk.simulator.run import follow_up
        # The visitors first: they need no sign-in, and the chat left to the desk must not wait
        # for the colleagues' (each colleague signs in in its own task).
        tasks: list[asyncio.Task[Any]] = [asyncio.create_task(follow_up(url, vid, name, topic))
                                          for vid, topic, name in visitors]
        tasks += [asyncio.create_task(c.work()) for c in staff]
        if boss is not None:
            tasks.append(asyncio.create_task(approve_held(boss)))
        # One visitor's failure must not stop the colleagues (nor the other visitors).
        for outcome in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(outcome, BaseException):
                print(f"stopped: {outcome.__class__.__name__}: {outcome}", file=sys.stderr, flush=True)


async def _login_patiently(person: Colleague, tries: int = 10) -> None:
    """The server has just (re)started and a busy machine can time the first calls out."""
    for attempt in range(tries):
        try:
            await person.login()
            return
        except httpx.HTTPError:
            if attempt == tries - 1:
                raise
            await asyncio.sleep(min(5.0, 0.5 * 2 ** attempt))


def main() -> None:
    from chatdesk.demo.seed import PASSWORD
    parser = argparse.ArgumentParser(prog="chatdesk.demo.colleagues")
    parser.add_argument("url")
    parser.add_argument("emails", help="comma-separated e-mails of the colleagues")
    parser.add_argument("--trainer", default=None, help="a trainer who approves held messages")
    parser.add_argument("--visitor", action="append", default=[], help="ID:TOPIC:NAME of a visitor with an open chat")
    args = parser.parse_args()
    visitors = [(parts[0], parts[1], parts[2]) for parts in (v.split(":", 2) for v in args.visitor)
                if len(parts) == 3]
    try:
        asyncio.run(run(args.url, [e for e in args.emails.split(",") if e], PASSWORD, args.trainer, visitors))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
