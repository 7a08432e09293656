"""The Visitors list in a real terminal (tmux, the real `chatdesk` command): alt+v (ESC v)
opens it with the visitor who is browsing, s sorts, i and Enter invite; the visitor's reply is a
chat already assigned to the inviting operator."""
from __future__ import annotations

from tests.support.api import Api, new_id
from tests.support.desk_process import desk_command, desk_env
from tests.support.terminal import Terminal
from tests.support.visitor import Visitor


async def test_ctrl_l_lists_visitors_and_i_invites_into_a_chat_of_mine(server, tmp_path):
    token = server.operator("dana@e2e.test", "Dana Park")
    dana = Api(server, token)
    dana_id = (await dana.ok("GET", "/me"))["id"]
    await dana.ok("PUT", "/me/status", {"status": "online"})
    ola = await Visitor(server.url).arrive(url="https://shop.test/product/tent", title="Storm tent")
    await ola.call("POST", "/visitor/events", {"type": "identify", "name": "Ola Nordmann"})
    await ola.call("POST", "/visitor/events", {"type": "cart", "value": 249, "currency": "EUR", "items": 1})

    term = Terminal(desk_command(server.url), env=desk_env(tmp_path, token))
    try:
        term.wait(r"live")
        term.send_bytes(b"\x1bv")                       # alt+v as the terminal sends it: ESC v
        term.wait(r"Visitors on the site")
        screen = term.wait(r"Ola Nordmann")
        assert "Storm tent" in screen and "249 EUR" in screen
        term.keys("s")
        term.wait(r"sorted by time on the page")
        term.keys("i")
        term.wait(r"Invite Ola Nordmann")
        term.keys("Enter")
        term.wait(r"Invited Ola Nordmann")
    finally:
        term.close()

    beat = await ola.call("POST", "/visitor/heartbeat", {})
    invite = beat["invite"]
    assert invite is not None and invite["operator_name"] == "Dana Park" and invite["manual"] is True
    started = await ola.call("POST", f"/visitor/invites/{invite['id']}/reply",
                             {"client_msg_id": new_id(), "body": "Is it good for snow?"})
    assert started["conversation"]["state"] == "active" and started["conversation"]["operator_id"] == dana_id
    await ola.close()
    await dana.close()
