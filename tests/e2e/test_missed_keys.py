"""The missed-chat screen's i in a real terminal (tmux, the real `chatdesk` command): on the
board Tab (byte 0x09) moves to the missed chats, Enter (0x0d) opens the one under the cursor, i
opens the invite with the opener typed in, and Enter sends it; the server then has an invitation
from the supervisor for that visitor, and the visitor's reply is a chat already assigned to them."""
from __future__ import annotations

from chatdesk.tui.dialogs.invite import DEFAULT_OPENER
from tests.support.api import Api, new_id
from tests.support.desk_process import desk_command, desk_env
from tests.support.terminal import Terminal
from tests.support.visitor import Visitor


async def test_i_on_a_missed_chat_invites_the_visitor_back(server, tmp_path):
    token = server.operator("sam@e2e.test", "Sam Super", role="supervisor")
    sam = Api(server, token)
    sam_id = (await sam.ok("PUT", "/me/status", {"status": "online"}))["id"]
    mia = await Visitor(server.url).arrive("https://shop.test/sizes", "Size guide")
    missed = await mia.start_chat("Do the trail shoes run small?", name="Mia Missed")
    await mia.call("POST", f"/visitor/conversations/{missed}/close")     # gone before anyone came

    term = Terminal(desk_command(server.url), env=desk_env(tmp_path, token), size=(80, 24))
    try:
        term.wait(r"Board")                                # staff open on the board, operators first
        term.wait(r"Mia Missed")
        term.send_bytes(b"\t\t\t")                         # operators -> live chats -> queue -> missed
        term.send_bytes(b"\r")
        term.wait(r"Missed chat Mia Missed .*on the site now")
        term.keys("i")
        term.wait(r"Invite Mia Missed")
        term.send_bytes(b"\r")
        term.wait(r"Invited Mia Missed; their reply will be your chat")
    finally:
        term.close()

    beat = await mia.call("POST", "/visitor/heartbeat", {})
    invite = beat["invite"]
    assert invite is not None and invite["operator_name"] == "Sam Super" and invite["manual"] is True
    assert invite["body"] == DEFAULT_OPENER
    started = await mia.call("POST", f"/visitor/invites/{invite['id']}/reply",
                             {"client_msg_id": new_id(), "body": "Yes, do they?"})
    chat = started["conversation"]
    assert chat["id"] != missed and chat["state"] == "active" and chat["operator_id"] == sam_id
    await mia.close()
    await sam.close()
