"""Width-confusing text in the real `chatdesk` command in a real terminal (tmux): visitors' names (the
queue, the tab bar, the sidebar), page titles and URLs (the queue and the journey sidebar) and
messages (the queue's preview and the transcript) carry the width corpus, and on every screen no
row overflows its panel: the panels' border characters stay in the columns they have on the empty
desk, on every row, and no message text is ever painted into the sidebar's column.

Columns are counted as tmux laid the cells out (tests/support/width_probe.py); the corpus is
tests/support/width_corpus.py. Each piece starts with a plain marker, and the test waits until the
marker is on the screen before it checks, so what is checked was really drawn."""
from __future__ import annotations

from rich.cells import cell_len

from tests.support.desk_process import desk_command, desk_env
from tests.support.visitor import Visitor
from tests.support.width_corpus import CONFUSING
from tests.support.width_probe import PrivateTerminal, cell_columns, libc_width

LEFT, RIGHT = "▕", "▏"          # the chat pane's borders: the queue to its left, the sidebar to its right
TOAST = "▌"                      # a notification's edge, over the sidebar's side
PLANTED = "VERIFIED VIP"         # in every message: never in the sidebar's column
WAITING = 7
BATCH = 5                        # corpus strings to a message, one a line


def borders(screen: str) -> dict[int, tuple[list[int], list[int]]]:
    """Row -> the cell columns of the left and right border characters on it."""
    out = {}
    for row, line in enumerate(screen.split("\n")):
        cells = list(zip(cell_columns(line), line, strict=True))
        out[row] = ([c for c, ch in cells if ch == LEFT], [c for c, ch in cells if ch == RIGHT])
    return out


def overflows(screen: str, expected: dict[int, tuple[list[int], list[int]]]) -> list[str]:
    """What is out of place on `screen`: rows whose borders moved (a notification may cover the right
    one), rows the terminal laid out wider or narrower than Rich measures them (this covers the
    sidebar, which has no border on its right, and the notifications), and planted text in the
    sidebar."""
    wrong = []
    lines = screen.split("\n")
    for row, (left, right) in borders(screen).items():
        if row not in expected:
            continue
        covered = not right and TOAST in lines[row]
        if left != expected[row][0] or (right != expected[row][1] and not covered):
            wrong.append(f"row {row}: borders at {left}, {right}, not {expected[row]}: {lines[row]!r}")
        if cell_len(lines[row]) != sum(map(libc_width, lines[row])):
            wrong.append(f"row {row}: Rich and the terminal measure it differently: {lines[row]!r}")
    for row, line in enumerate(lines):
        at = line.find(PLANTED)
        if at >= 0 and row in expected and expected[row][1] and cell_columns(line)[at] > expected[row][1][-1]:
            wrong.append(f"row {row}: {PLANTED!r} in the sidebar: {line!r}")
    return wrong


def piece(i: int, size: int = 14) -> str:
    return CONFUSING[i % len(CONFUSING)][1][:size]


async def test_no_row_of_the_desk_overflows_its_panel(server, tmp_path):
    token = server.operator("wide@e2e.test", "Wim Width", max_chats=4)
    term = PrivateTerminal(desk_command(server.url), env=desk_env(tmp_path, token))
    try:
        await _fill_and_check_every_screen(server, term)
    finally:
        term.close()


async def _fill_and_check_every_screen(server, term: PrivateTerminal) -> None:
    term.wait(r"live")
    first = await Visitor(server.url).arrive("https://shop.test/boots", "Boots")
    await first.start_chat("Plain text first", name="Pat Plain")
    plain = term.wait(r"journey shows here")
    expected = {row: b for row, b in borders(plain).items() if b[0] or b[1]}
    assert len([b for b in expected.values() if b[0] and b[1]]) > 20, plain

    visitors = [first]
    for i in range(WAITING):
        pieces = "".join(piece(i * 3 + k) for k in range(3))
        v = await Visitor(server.url).arrive(f"https://shop.test/{pieces}/u{i}", f"T{i}{pieces}")
        await v.start_chat(f"q{i}# {pieces} {PLANTED}", name=f"n{i}{pieces}"[:120])
        visitors.append(v)
    screen = term.wait(rf"q{WAITING - 1}#")
    assert overflows(screen, expected) == []

    for k in range(1, 5):                 # four chats open: their names in the tab bar
        term.keys("C-o")
        screen = term.wait(rf"chats {k}/4")
    assert overflows(screen, expected) == []

    visitor = visitors[3]                 # the open chat: its messages, its journey in the sidebar
    batches = [CONFUSING[i:i + BATCH] for i in range(0, len(CONFUSING), BATCH)]
    for i, batch in enumerate(batches):
        await visitor.view(f"https://shop.test/{''.join(t[:20] for _, t in batch)}/p{i}",
                           f"p{i}# " + " ".join(t[:40] for _, t in batch))
        await visitor.say(f"m{i}# " + "\n".join(f"{t} {PLANTED}" for _, t in batch))
        screen = term.wait(rf"m{i}#")
        assert overflows(screen, expected) == [], [name for name, _ in batch]
    screen = term.wait(rf"p{len(batches) - 1}#")
    assert overflows(screen, expected) == []
    assert PLANTED in screen
    for v in visitors:
        await v.close()
