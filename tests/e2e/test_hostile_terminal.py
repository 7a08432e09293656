"""Hostile visitor text through the real `chatdesk` command on a real pseudo-terminal: every byte the
desk writes is read back, and no control sequence from the visitor is among them."""
from __future__ import annotations

import pytest

from tests.support.desk_process import desk_command, desk_env
from tests.support.escapes import foreign_sequences, leaked_payloads
from tests.support.hostile import terminal_bodies
from tests.support.pty_run import PtyProgram
from tests.support.visitor import Visitor

NAME = "\x1b]0;pwned-title\x07Eve\x1b[2J\x9b31m\u202eevE"
TITLE = "Cart \x1b]52;c;cm0gLXJmIH4K\x07[@click=app.quit]checkout[/] \x1b[8mhidden"
URL = "https://shop.test/\x1b]8;;https://evil.test\x1b\\cart\x1b]8;;\x1b\\"
REFERRER = "https://ref.test/\x1bP$qm\x1b\\?q=\x9d0;t\x9c"


@pytest.fixture
def desk_on_pty(server, tmp_path):
    token = server.operator("pat@e2e.test", "Pat Pty")
    prog = PtyProgram(desk_command(server.url), env=desk_env(tmp_path, token))
    yield prog
    prog.close()


async def test_hostile_visitor_text_never_reaches_the_terminal(server, desk_on_pty):
    desk = desk_on_pty
    desk.expect(b"live")
    visitor = await Visitor(server.url).arrive(URL, TITLE, REFERRER)
    await visitor.start_chat("hello end-first#", name=NAME)
    desk.expect(b"end-first#")
    desk.send(b"\x0f")                                   # ctrl+o: accept the oldest
    desk.expect(b"Reply to")
    sent = [("name", NAME), ("title", TITLE), ("url", URL), ("referrer", REFERRER)]
    for i, (names, body) in enumerate(terminal_bodies("msg")):
        mark = len(desk.written())
        await visitor.say(body)
        desk.expect(f"msg{i}#".encode(), start=mark)   # painted before the next one comes
        sent.append((names, body))
    await visitor.close()

    written = desk.written()
    assert desk.proc.poll() is None, "the desk quit"
    assert foreign_sequences(written) == []
    assert leaked_payloads(written, sent) == []
    assert b"[@click=app.quit]" in written                 # markup shown as text, not run
    assert len(sent) > 30
