"""The real `chatdesk` command in a real terminal (tmux): a visitor writes, the operator accepts and
answers with keys only, and the visitor receives the answer."""
from __future__ import annotations

import asyncio
import time

import pytest

from tests.support.desk_process import desk_command, desk_env
from tests.support.terminal import Terminal
from tests.support.visitor import Visitor


@pytest.fixture
def desk_terminal(server, tmp_path):
    token = server.operator("kim@e2e.test", "Kim Keys")
    term = Terminal(desk_command(server.url), env=desk_env(tmp_path, token))
    yield term
    term.close()


async def test_operator_answers_a_visitor_with_keys_only(server, desk_terminal):
    term = desk_terminal
    term.wait(r"live")
    visitor = await Visitor(server.url).arrive("https://shop.test/boots", "Winter Boots – Shop")
    await visitor.start_chat("Do you ship to Norway?", name="Solveig")
    term.wait(r"Solveig")

    term.keys("C-o")                       # accept the oldest waiting visitor
    term.wait(r"Reply to Solveig")
    term.type("Yes, we ship to Norway within 3 days.")
    term.keys("Enter")

    first = ["Do you ship to Norway?", "Yes, we ship to Norway within 3 days."]
    assert await _visitor_sees(visitor, first) == first
    term.wait(r"Yes, we ship to Norway within 3 days\.")

    # A canned reply as a fast typist picks it: "/moment" typed in one burst, Enter inserts it into
    # the reply box (never a blind send), Enter sends it.
    term.type("/moment")
    term.wait(r"Canned replies")
    term.keys("Enter")
    term.gone(r"Canned replies")
    term.keys("Enter")
    canned = "Let me check that for you, one moment please."
    assert await _visitor_sees(visitor, first + [canned]) == first + [canned]
    await visitor.close()


async def _visitor_sees(visitor: Visitor, expected: list[str], timeout: float = 20) -> list[str]:
    deadline = time.monotonic() + timeout
    bodies: list[str] = []
    while time.monotonic() < deadline:
        bodies = [m["body"] for m in await visitor.transcript()]
        if len(bodies) >= len(expected):
            break
        await asyncio.sleep(0.1)
    return bodies
