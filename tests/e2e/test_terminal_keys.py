"""Every documented desk key through a real terminal: the real `chatdesk` command in tmux, keys sent
as the bytes terminals write for them (the legacy encoding tmux, SSH and xterm use, and the kitty
keyboard protocol's CSI u form), at 120x34 and at 80x24, with TERM=xterm-256color and
tmux-256color. Pilot would skip the terminal's input parser, which is where these keys went wrong."""
from __future__ import annotations

import asyncio
import time

import pytest

from tests.support.desk_process import desk_command, desk_env
from tests.support.terminal import Terminal
from tests.support.visitor import Visitor

ESC = b"\x1b"
LEGACY_ALT_1, LEGACY_ALT_2, LEGACY_ALT_ENTER = ESC + b"1", ESC + b"2", ESC + b"\r"
KITTY_ALT_1, KITTY_ALT_ENTER = ESC + b"[49;3u", ESC + b"[13;3u"
EMPTY_REPLY = r"│ Reply… Enter sends"      # the reply box's placeholder: nothing typed


@pytest.fixture(params=[(120, 34, "xterm-256color"), (80, 24, "tmux-256color")],
                ids=["120x34-xterm", "80x24-tmux"])
def terminal_kind(request):
    return request.param


async def test_every_documented_key_in_a_real_terminal(server, tmp_path, terminal_kind):
    width, height, term_name = terminal_kind
    token = server.operator("kim@e2e.test", "Kim Keys")
    term = Terminal(desk_command(server.url), env=desk_env(tmp_path, token, TERM=term_name),
                    size=(width, height))
    visitors: list[Visitor] = []
    try:
        term.wait(r"live")
        for name in ("Ada", "Bo"):
            visitor = await Visitor(server.url).arrive("https://shop.test/boots", "Winter Boots – Shop")
            await visitor.start_chat(f"Hello from {name}", name=name)
            visitors.append(visitor)
        term.wait(r"Bo")
        term.keys("C-o")
        term.wait(r"Reply to Ada")
        term.keys("C-o")
        term.wait(r"Reply to Bo")

        # alt+digit switches chats and types nothing (Textual read ESC 1 as "¡")
        term.send_bytes(LEGACY_ALT_1)
        screen = term.wait(r"Reply to Ada")
        assert EMPTY_REPLY in screen and "¡" not in screen
        term.send_bytes(LEGACY_ALT_2)
        screen = term.wait(r"Reply to Bo")
        assert EMPTY_REPLY in screen and "™" not in screen
        term.send_bytes(KITTY_ALT_1)
        term.wait(r"Reply to Ada")
        term.keys("Enter")                 # an empty reply: nothing goes out

        # alt+enter (legacy and kitty) and ctrl+j make new lines; Enter sends the whole reply
        term.type("one")
        term.send_bytes(LEGACY_ALT_ENTER)
        term.type("two")
        term.keys("C-j")
        term.type("three")
        term.send_bytes(KITTY_ALT_ENTER)
        term.type("four")
        term.wait(r"│ four")
        term.keys("Enter")
        ada = visitors[0]
        assert await _bodies(ada, 2) == ["Hello from Ada", "one\ntwo\nthree\nfour"]

        # ctrl+pagedown / ctrl+pageup step round the tabs (tmux writes CSI 6;5~ and CSI 5;5~)
        term.keys("C-PageDown")
        term.wait(r"Reply to Bo")
        term.keys("C-PageUp")
        term.wait(r"Reply to Ada")

        # F6 by Tab, type, Tab, Enter: the dialog says why it cannot save yet, never cancels quietly
        term.keys("F6")
        term.wait(r"Offer a callback")
        # tmux delivers keys in one read, faster than anyone types, and Textual moves the focus
        # after keys already read: wait until the focus has moved (the cursor is in the next field,
        # the button is drawn focused) before the next keys, as a typist's eyes would.
        term.keys("Tab")
        term.wait_cursor_on(r"e\.g\. after 5 pm")
        term.type("after 5 pm")
        term.keys("Tab")
        term.wait_reversed("Record callback")
        term.keys("Enter")
        term.wait(r"Not recorded yet: give the phone number")
        term.wait_cursor_on(r"e\.g\. \+44 20 7946 0000")
        term.type("+44 20 7946 0000")
        term.keys("Enter")                 # the number: on to the note
        term.wait_cursor_on(r"after 5 pm")
        term.keys("Enter")                 # the last field: saves
        term.gone(r"Offer a callback")
        term.wait(r"Callback recorded for Ada")

        # F1-F9 as the README says
        for key, shows in [("F1", r"Keys \(Esc closes\)"), ("F3", r"Canned replies"),
                           ("F4", r"Transfer this chat"), ("F5", r"Internal note"),
                           ("F6", r"Offer a callback"), ("F7", r"Close this chat"), ("F8", r"My status")]:
            term.keys(key)
            term.wait(shows)
            term.keys("Escape")
            term.gone(shows)
        term.keys("F2")                    # the queue has the focus: the footer offers its keys
        term.wait(r"⏎ Accept")
        term.keys("Escape")
        term.gone(r"⏎ Accept")
        sidebar = r"Past conversations"    # F9: shown beside the chat at 120, over it at 80
        shown_at_start = width >= 100
        term.keys("F9")
        (term.gone if shown_at_start else term.wait)(sidebar)
        term.keys("F9")
        (term.wait if shown_at_start else term.gone)(sidebar)

        # ctrl+q while holding chats asks first; Enter keeps the desk, y quits
        term.keys("C-q")
        term.wait(r"Quit chatdesk\?")
        term.keys("Enter")
        term.gone(r"Quit chatdesk\?")
        term.wait(r"Still here")
        term.keys("C-q")
        term.wait(r"Quit chatdesk\?")
        term.keys("y")
        term.wait(r"\[exited 0\]|Pane is dead")   # the desk is gone

        # nothing stray reached either visitor
        assert await _bodies(ada, 3) == ["Hello from Ada", "one\ntwo\nthree\nfour",
                                         "Callback requested by phone: +44 20 7946 0000 (after 5 pm)"]
        assert await _bodies(visitors[1], 1) == ["Hello from Bo"]
    finally:
        term.close()
        for visitor in visitors:
            await visitor.close()


async def _bodies(visitor: Visitor, count: int, timeout: float = 10.0) -> list[str]:
    """The visitor's transcript once it holds `count` messages (or what it holds at the timeout)."""
    deadline = time.monotonic() + timeout
    bodies: list[str] = []
    while time.monotonic() < deadline:
        bodies = [m["body"] for m in await visitor.transcript()]
        if len(bodies) >= count:
            break
        await asyncio.sleep(0.1)
    return bodies
