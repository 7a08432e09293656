"""The trainer's edit box in a real terminal (tmux, the real `chatdesk` command): ctrl+a (byte 0x01)
selects the novice's whole message, typing replaces it, ctrl+s approves, and the visitor gets the
edited text exactly."""
from __future__ import annotations

import asyncio
import time

from tests.support.api import Api, new_id
from tests.support.desk_process import desk_command, desk_env
from tests.support.terminal import Terminal
from tests.support.visitor import Visitor


async def test_select_all_then_type_replaces_the_held_message(server, tmp_path):
    trainer_token = server.operator("tess@e2e.test", "Tess Trainer", role="trainer")
    novice = Api(server, server.operator("nico@e2e.test", "Nico Novice"))
    trainer = Api(server, trainer_token)
    nico_id = (await novice.ok("GET", "/me"))["id"]
    await trainer.ok("PATCH", f"/operators/{nico_id}", {"approval_required": True})
    visitor = await Visitor(server.url).arrive()
    cid = await visitor.start_chat("Do you ship to Iceland?", name="Ivy")
    await novice.ok("POST", f"/conversations/{cid}/accept")
    held = await novice.post(f"/conversations/{cid}/messages", {"client_msg_id": new_id(), "body": "ya we do lol"})
    assert held.status_code == 202

    term = Terminal(desk_command(server.url), env=desk_env(tmp_path, trainer_token))
    try:
        term.wait(r"Board")                        # staff open on the board
        term.keys("a")
        term.wait(r"Approval queue")
        term.wait(r"ya we do lol")
        term.keys("e")
        term.wait(r"ctrl\+a selects all")      # shown once the box has the keys
        term.keys("C-a")
        term.type("Yes, we ship to Iceland in 3-5 days.")
        term.keys("C-s")
        term.wait(r"Approved with your edit")
    finally:
        term.close()
    deadline, bodies = time.monotonic() + 20, []
    while time.monotonic() < deadline:
        bodies = [m["body"] for m in await visitor.transcript() if m["author_type"] == "operator"]
        if bodies:
            break
        await asyncio.sleep(0.1)
    assert bodies == ["Yes, we ship to Iceland in 3-5 days."]
    await visitor.close()
    await novice.close()
    await trainer.close()
