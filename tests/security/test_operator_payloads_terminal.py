"""Hostile text from a colleague's side, on the real `chatdesk` command on a real pseudo-terminal
(tests/support/pty_run.py; every byte the desk writes is kept and checked by tests/support/escapes.py).

A supervisor with a hostile display name fills every operator-controlled field with the corpus:
shared canned replies (shortcut, title, body, tags), the wrap-up of the visitor's earlier chat
(summary, tags), visitor notes, the visitor's contact fields (name, e-mail, phone), a callback
(value, note), the transfer note that hands the chat to the operator at the pty, and internal notes
and whispers written into the chat after the hand-over. All of it is looked at on the pty itself:
the transfer notice (a toast), the transcript, the journey sidebar and the canned-reply picker (`/`
in the composer). The visitor's draft (the sneak peek, sent only on the visitor stream) goes the same
way. Each piece starts with a plain marker, and the test waits until the marker is on
the terminal before it checks, so what is checked was really drawn.
"""
from __future__ import annotations

import pytest

from tests.support.api import Operator, new_id
from tests.support.desk_process import desk_command, desk_env
from tests.support.escapes import foreign_sequences, leaked_payloads
from tests.support.hostile import is_terminal_hostile, terminal_bodies, text_payloads
from tests.support.pty_run import PtyProgram
from tests.support.visitor import Visitor

COLLEAGUE = "\x1b]0;pwned\x07Col\x1b[2J\x9b31m\u202eloC"
SHORT = [
    "\x1b]0;t\x07", "\x1b[2J", "\x9b31m", "\u202e", "[@click=app.quit]x[/]", "\x1b]8;;https://e.test\x1b\\l",
    "\x1bP$qm\x1b\\", "\x1b_Gf=1;A\x1b\\", "\x07\x08\x7f", "\x9d0;c1\x9c", "\x1b[8m", "\x1b]52;c;eA==\x07",
]


def _hostile(mark: str, i: int) -> str:
    """A short hostile field value: the marker first (an unterminated OSC rightly swallows what
    follows it), then one of SHORT."""
    return f"{mark}# {SHORT[i % len(SHORT)]}"


def _note_bodies() -> list[tuple[str, str]]:
    return terminal_bodies("on")


@pytest.fixture
def start_desk(server, tmp_path):
    """Starts Pat's desk on a pty when the test is ready (the desk loads canned replies at start)."""
    started: list[PtyProgram] = []

    def start(token: str) -> PtyProgram:
        started.append(PtyProgram(desk_command(server.url), env=desk_env(tmp_path, token), size=(160, 60)))
        return started[-1]

    yield start
    for prog in started:
        prog.close()


async def test_hostile_text_from_a_colleague_never_reaches_the_terminal(server, start_desk):
    pat_token = server.operator("pat@sec.test", "Pat Pty", max_chats=10)
    col = await Operator.create(server, "col@sec.test", name=COLLEAGUE, role="supervisor", max_chats=10)
    pat_id = next(o["id"] for o in (await col.ok("GET", "/operators"))["operators"] if o["email"] == "pat@sec.test")
    sent: list[tuple[str, str]] = [("colleague name", COLLEAGUE)]

    def keep(label: str, value: str) -> str:
        sent.append((label, value))
        return value

    # Canned replies (shared): shortcut, title, body and tags.
    for i in range(3):
        await col.ok("POST", "/canned", {
            "shortcut": keep(f"canned shortcut {i}", f"c{i}{SHORT[i + 3]}"),
            "title": keep(f"canned title {i}", _hostile(f"ct{i}", i)),
            "body": keep(f"canned body {i}", _hostile(f"cb{i}", i + 4) + " " + _hostile("more", i + 7)),
            "tags": [keep(f"canned tag {i}", f"tag{i}{SHORT[i + 8]}")], "shared": True})

    desk = start_desk(pat_token)
    desk.expect(b"live", timeout=60)

    # The visitor's earlier chat, wrapped up by the colleague with a hostile summary and tags.
    visitor = await Visitor(server.url).arrive("https://shop.test/", "Shop")
    first = await visitor.start_chat("an earlier question")
    assert (await col.accept(first)).status_code == 200
    assert (await visitor.http.post(f"/visitor/conversations/{first}/close")).status_code == 200
    await col.ok("POST", f"/conversations/{first}/close", {
        "summary": keep("summary", _hostile("sum", 0) + "\n" + _hostile("sum2", 5)),
        "tags": [keep("past tag", f"pt{SHORT[1]}"), keep("past tag 2", f"pt2{SHORT[9]}")]})

    # This chat: the colleague accepts it, writes on the visitor, then hands it to Pat.
    cid = await visitor.start_chat("hello again end-first#")
    assert (await col.accept(cid)).status_code == 200
    for i in range(3):
        await col.ok("POST", f"/visitors/{visitor.id}/notes", {"body": keep(f"visitor note {i}",
                                                                                   _hostile(f"vn{i}", i + 2))})
    await col.ok("PATCH", f"/visitors/{visitor.id}", {
        "name": keep("contact name", _hostile("nm", 0)), "email": keep("contact email", _hostile("em", 3)),
        "phone": keep("contact phone", "+47\x1b[2J\x9b31m5551")})
    await col.ok("POST", f"/conversations/{cid}/callback", {
        "channel": "phone", "value": keep("callback value", "cbv# +47\x1b]0;t\x07 555"),
        "note": keep("callback note", _hostile("cbn", 6))})
    await col.ok("POST", f"/conversations/{cid}/transfer", {
        "operator_id": pat_id, "note": keep("transfer note", _hostile("tn", 11) + " " + _hostile("tn2", 4))})

    desk.expect(b"tn#")                                    # the transfer notice, with its note
    for mark in (b"end-first#", b"cbv#", b"vn0#", b"vn2#", b"nm#", b"em#", b"+47", b"sum#", b"sum2#", b"pt2",
                 b"cbn#"):                                  # transcript, callback, journey sidebar
        desk.expect(mark)
    # Internal notes and whispers after the hand-over: the whole hostile corpus, a few to a note.
    for i, (names, body) in enumerate(_note_bodies()):
        mark = len(desk.written())
        await col.ok("POST", f"/conversations/{cid}/messages",
                     {"client_msg_id": new_id(), "body": body, "kind": "whisper" if i % 2 else "note"})
        desk.expect(f"on{i}#".encode(), start=mark)          # painted before the next one comes
        sent.append((names, body))
    # The visitor's draft (the sneak peek above the composer): visitor-controlled, only on the stream.
    await visitor.open_stream()
    drafts = [(n, p) for n, p in text_payloads() if is_terminal_hostile(p) and len(p) < 60][:20]
    for i, (name, payload) in enumerate(drafts):
        mark = len(desk.written())
        # a plain trailer: Textual's own reset after the last word must not look like the payload's
        draft = f"dr{i}# {payload} ~"
        await visitor.stream_typing(True, draft)
        desk.expect(f"dr{i}#".encode(), start=mark)
        sent.append((f"draft {name}", draft))
    await visitor.stream_typing(False)
    await visitor.close_stream()
    # The canned-reply picker: `/` at the start of the composer.
    mark = len(desk.written())
    desk.send(b"/")
    desk.expect(b"Canned replies", start=mark)
    for i in range(3):
        desk.expect(f"ct{i}#".encode(), start=mark)
    desk.expect(b"cb", start=mark)
    desk.send(b"\x1b")                                        # Esc: close the picker
    await visitor.close()

    written = desk.written()
    assert desk.proc.poll() is None, "the desk quit"
    assert foreign_sequences(written) == []
    assert leaked_payloads(written, sent) == []
    assert b"[@click=app.quit]" in written                    # markup shown as text, not run
    assert pat_token.encode() not in written                  # the desk never shows its token
    assert len(sent) > 50
