"""The Visitors list in a real terminal (tmux, the real `chatdesk` command), one desk run: alt+v
(ESC v) opens it; a visitor who lands while it is open appears from the stream's frames; r
reloads and says so; s steps through the sorts (time on the page, then cart) and o flips the
order, checked by the rows' order on screen; / filters as you type, Esc goes back to the list
with the filter kept; i and Enter invite the visitor under the cursor, and the visitor's reply
is a chat already assigned to the inviting operator; Esc goes back to the desk."""
from __future__ import annotations

from tests.support.api import Api, new_id
from tests.support.desk_process import desk_command, desk_env
from tests.support.terminal import Terminal
from tests.support.visitor import Visitor

ESC_V = b"\x1bv"               # alt+v as the terminal sends it


async def arrive(server, name: str, url: str, title: str, cart: float | None = None) -> Visitor:
    v = await Visitor(server.url).arrive(url=url, title=title)
    await v.call("POST", "/visitor/events", {"type": "identify", "name": name})
    if cart is not None:
        await v.call("POST", "/visitor/events", {"type": "cart", "value": cart, "currency": "EUR", "items": 1})
    return v


def order(screen: str, names: list[str]) -> list[str]:
    """The names as they appear from the top of the screen."""
    return sorted((n for n in names if n in screen), key=screen.index)


async def test_visitors_list_keys_live_sort_filter_invite(server, tmp_path):
    token = server.operator("dana@e2e.test", "Dana Park")
    dana = Api(server, token)
    dana_id = (await dana.ok("GET", "/me"))["id"]
    await dana.ok("PUT", "/me/status", {"status": "online"})
    cy = await arrive(server, "Cy Nocart", "https://shop.test/", "Home")
    ben = await arrive(server, "Ben Smallcart", "https://shop.test/socks", "Wool socks", cart=20)
    ola = await arrive(server, "Ola Bigcart", "https://shop.test/product/tent", "Storm tent", cart=249)
    names = ["Cy Nocart", "Ben Smallcart", "Ola Bigcart"]
    people = [cy, ben, ola]

    term = Terminal(desk_command(server.url), env=desk_env(tmp_path, token))
    try:
        term.wait(r"live")
        term.send_bytes(ESC_V)
        term.wait(r"Visitors on the site 3 of 3")
        screen = term.wait(r"Ola Bigcart")
        assert "Storm tent" in screen and "249 EUR" in screen
        assert order(screen, names) == names                      # most time on the site first

        dora = await arrive(server, "Dora Live", "https://shop.test/boots", "Boots")
        people.append(dora)
        term.wait(r"Dora Live")                                   # a frame, not a request
        term.wait(r"Visitors on the site 4 of 4")
        term.keys("r")
        term.wait(r"Reloaded: 4 visitors on the site")

        term.keys("s")
        term.wait(r"sorted by time on the page")
        term.keys("s")
        screen = term.wait(r"sorted by cart \(most first\)")
        assert order(screen, ["Ola Bigcart", "Ben Smallcart", "Cy Nocart"]) == ["Ola Bigcart", "Ben Smallcart",
                                                                               "Cy Nocart"]
        term.keys("o")
        screen = term.wait(r"sorted by cart \(least first\)")
        assert order(screen, ["Ola Bigcart", "Ben Smallcart"]) == ["Ben Smallcart", "Ola Bigcart"]

        # the cursor keys, read off whom `i` would invite (the dialog names the visitor under it)
        def under_cursor_after(*keys: str, who: str) -> None:
            term.keys(*keys)
            term.keys("i")
            term.wait(rf"Invite {who}")
            term.keys("Escape")
            term.gone(r"Invite (Ola Bigcart|Ben Smallcart|Cy Nocart|Dora Live)")
        under_cursor_after("End", who="Ola Bigcart")                  # least cart first: Ola is last
        under_cursor_after("k", who="Ben Smallcart")
        under_cursor_after("j", who="Ola Bigcart")
        under_cursor_after("Up", who="Ben Smallcart")
        under_cursor_after("Down", who="Ola Bigcart")
        under_cursor_after("Home", who="(Cy Nocart|Dora Live)")       # the two without a cart come first
        under_cursor_after("PageDown", who="Ola Bigcart")             # four rows: a page down is the last
        under_cursor_after("PageUp", who="(Cy Nocart|Dora Live)")

        term.keys("/")
        term.gone(r"i Invite")                                    # the filter field has the keys now
        term.type("tent")
        screen = term.wait(r"Visitors on the site 1 of 4")
        assert "Ola Bigcart" in screen and "Ben Smallcart" not in screen and "Dora Live" not in screen
        term.keys("Escape")                                       # back to the list, the filter stays
        term.wait(r"i Invite")
        term.keys("i")
        term.wait(r"Invite Ola Bigcart")
        term.keys("Enter")
        term.wait(r"Invited Ola Bigcart")
        term.keys("Escape")
        term.gone(r"Visitors on the site")                        # back on the desk
        term.wait(r"live")
    finally:
        term.close()

    beat = await ola.call("POST", "/visitor/heartbeat", {})
    invite = beat["invite"]
    assert invite is not None and invite["operator_name"] == "Dana Park" and invite["manual"] is True
    started = await ola.call("POST", f"/visitor/invites/{invite['id']}/reply",
                             {"client_msg_id": new_id(), "body": "Is it good for snow?"})
    assert started["conversation"]["state"] == "active" and started["conversation"]["operator_id"] == dana_id
    for v in people:
        await v.close()
    await dana.close()
