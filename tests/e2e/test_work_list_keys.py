"""The work list in a real terminal (tmux, the real `chatdesk` command): a callback a visitor asks
for over the real API appears under ctrl+l (byte 0x0c), c claims it, p calls (refused with the
server's sentence while the operator holds a chat, then "on the phone"), d marks it done with a
note and the operator is back online; a new request shows up live; u releases a claimed one; a
callback recorded in a chat arrives live, r reloads and says how many are open, t (once claimed)
reads the chat it came from and Esc comes back. At 120x34 and at 80x24."""
from __future__ import annotations

import pytest

from tests.support.api import Api
from tests.support.desk_process import desk_command, desk_env
from tests.support.terminal import Terminal
from tests.support.visitor import Visitor

CTRL_L = b"\x0c"


@pytest.mark.parametrize("size", [(120, 34), (80, 24)], ids=["120x34", "80x24"])
async def test_a_visitors_callback_is_claimed_called_and_done_from_the_work_list(server, tmp_path, size):
    token = server.operator("wes@e2e.test", "Wes Work")
    wes = Api(server, token)
    chatter = await Visitor(server.url).arrive()
    cid = await chatter.start_chat("Quick question", name="Cleo")
    await wes.ok("POST", f"/conversations/{cid}/accept")
    caller = await Visitor(server.url).arrive()
    made = await caller.call("POST", "/visitor/requests", {
        "kind": "callback", "channel": "phone", "name": "Kari [b]Nordmann[/b]", "phone": "+47 912 34 567",
        "preferred_time": "after 5 pm", "message": "About my order 10432"})

    term = Terminal(desk_command(server.url), env=desk_env(tmp_path, token), size=size)
    try:
        term.wait(r"live")
        term.send_bytes(CTRL_L)
        screen = term.wait(r"\+47 912 34 567")
        assert "Work list" in screen and "after 5 pm" in screen and "Callback" in screen
        assert "Kari [b]" in screen                       # a visitor's brackets stay text
        term.keys("c")
        term.wait(r"Claimed: \+47 912 34 567")
        term.keys("p")
        term.wait(r"You still hold 1 chat")               # on chat or on the phone, never both
        assert (await wes.ok("GET", "/me"))["status"] == "online"
        await wes.ok("POST", f"/conversations/{cid}/close", {"summary": "Answered"})
        term.keys("p")
        term.wait(r"You are on the phone")
        assert (await wes.ok("GET", "/me"))["status"] == "on_phone"
        term.keys("d")
        term.wait(r"Mark this request done")
        term.type("Called, parcel re-sent")
        term.keys("Enter")
        term.wait(r"Done: the request left the work list")
        term.wait(r"Nothing waiting")
        await caller.call("POST", "/visitor/requests", {"kind": "offline", "channel": "email",
                                                        "email": "kari@x.no", "message": "And the invoice?"})
        term.wait(r"kari@x\.no")                         # live: request.created, no reload
        term.keys("c")
        term.wait(r"Claimed: kari@x\.no")
        term.keys("u")
        term.wait(r"Released: it is open for a colleague again")
        kari = (await wes.ok("GET", "/requests?state=pending"))["items"]
        assert [(i["email"], i["state"], i["claimed_by"]) for i in kari] == [("kari@x.no", "open", None)]

        tor = await Visitor(server.url).arrive()
        chat = await tor.start_chat("Do you ship to Tromso?", name="Tor")
        await wes.ok("POST", f"/conversations/{chat}/accept")
        await wes.ok("POST", f"/conversations/{chat}/callback", {"channel": "phone", "value": "+47 222 33 444",
                                                                  "note": "Shipping north"})
        await wes.ok("POST", f"/conversations/{chat}/close", {"summary": "Callback promised"})
        term.wait(r"\+47 222 33 444")                     # live
        term.keys("r")
        term.wait(r"Reloaded: 2 open")
        term.keys("Down")                                # the callback is due after Kari's message
        term.keys("c")
        term.wait(r"Claimed: \+47 222 33 444")
        term.keys("t")
        term.wait(r"Do you ship to Tromso\?")             # the chat it came from
        term.keys("Escape")
        term.wait(r"Work list open")
        await tor.close()
    finally:
        term.close()
    item = await wes.ok("GET", f"/requests/{made['id']}")
    assert (item["state"], item["done_note"]) == ("done", "Called, parcel re-sent")
    assert (await wes.ok("GET", "/me"))["status"] == "online"      # done: back to chat
    await wes.close()
    await caller.close()
    await chatter.close()
