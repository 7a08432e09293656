"""`chatdesk demo`, the README's first command, in a real terminal: the accounts and the server are
printed first and F1 shows them again; the desk opens logged in with a returning visitor waiting
who answers like any simulated visitor; as a supervisor it opens on a live board where simulated
colleagues take and answer chats, the Openers screen (o) has the demo's rules with figures from
the shoppers' burst and the Visitors list (alt+v) has shoppers with carts; quitting stops and
removes everything, children included."""
from __future__ import annotations

import re
import subprocess
import sys
import time

from tests.support.desk_process import desk_env
from tests.support.terminal import Terminal


def test_demo_opens_the_desk_and_cleans_up_after_itself(tmp_path):
    scratch = tmp_path / "tmp"          # the demo keeps its database under TMPDIR
    scratch.mkdir()
    env = desk_env(tmp_path, TMPDIR=str(scratch))
    term = Terminal([sys.executable, "-m", "chatdesk", "demo", "--visitors", "3"], env=env)
    try:
        printed = term.wait(r"dana@demo\.chatdesk  <- you", timeout=90)   # printed before the desk starts
        server = re.search(r"Demo server: (http://127\.0\.0\.1:\d+)", printed)
        assert server, printed
        screen = term.wait(r"● live", timeout=90)
        term.wait(r"↺\d+ Ines Moreau", timeout=20)           # the returning visitor from the seed
        assert "Dana Park" in screen
        # She is left to the person at the desk, and answers a question like any simulated visitor.
        term.keys("C-o")
        term.wait(r"Hi again! Is the trail jacket back in XS\?", timeout=20)
        term.type("Which size do you need?")
        term.keys("Enter")
        term.wait(r"42 in Nike|Chest about 100 cm|Mostly trail running", timeout=60)   # her answer
        term.keys("C-q")                                     # she is still ours: the desk asks first
        term.wait(r"Quit chatdesk\?", timeout=10)
        term.keys("y")
        term.wait(r"\[exited 0\]", timeout=30)
    finally:
        term.close()
    assert list(scratch.iterdir()) == []                     # database and logs removed
    leftovers = subprocess.run(["pgrep", "-f", str(scratch)], capture_output=True, text=True).stdout
    assert leftovers == ""                                   # no server left running
    # nor a child given the server's address: simulator, colleagues, shoppers
    talking = subprocess.run(["pgrep", "-f", server.group(1) + "( |$)"], capture_output=True, text=True).stdout
    assert talking == ""


COLLEAGUES = ("Dana Park", "Omar Reyes", "Nico Brandt", "Lee Novak")
LIVE_ROW = re.compile(r"^ (\S.*?)\s{2,}(" + "|".join(COLLEAGUES) + r")\s+\d+:\d\d", re.M)


def live_chats(screen: str) -> set[tuple[str, str]]:
    """(visitor, operator) of the board's live chats on the screen."""
    part = screen.split("Live chats", 1)[-1].split("Missed today", 1)[0]
    return {(m.group(1).strip(), m.group(2)) for m in LIVE_ROW.finditer(part)}


def test_demo_as_supervisor_opens_on_a_live_board_with_colleagues_at_work(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = desk_env(tmp_path, TMPDIR=str(scratch))
    term = Terminal([sys.executable, "-m", "chatdesk", "demo", "--as", "supervisor", "--visitors", "3"], env=env)
    try:
        term.wait(r"sam@demo\.chatdesk  <- you", timeout=90)
        term.wait(r"Board · online", timeout=90)
        opened = time.monotonic()
        # Soon after the board opens, colleagues hold chats and those chats move on (one is taken,
        # answered and closed, or another is taken). A minute: the shoppers' burst shares the two
        # cores with them in this window (the demo's liveliness is tested here, not its speed).
        first: set[tuple[str, str]] = set()
        while not first and time.monotonic() - opened < 60:
            first = live_chats(term.screen())
            time.sleep(0.3)
        assert first, term.screen()
        moved = False
        while not moved and time.monotonic() - opened < 60:
            moved = live_chats(term.screen()) != first
            time.sleep(0.3)
        assert moved, (first, term.screen())
        term.keys("F1")                                    # the accounts again, over the desk
        term.wait(r"Password for every account: demo-password", timeout=10)
        assert "tess@demo.chatdesk" in term.screen()
        term.keys("Escape")
        term.gone(r"Password for every account", timeout=10)   # else ESC and o would read as alt+o
        # The demo's opener rules, and figures from the shoppers' burst soon after the start.
        term.keys("o")
        term.wait(r"Openers 3 rules", timeout=20)
        screen = reload_until(term, r"Basket over 80 EUR\s+on\s+50%\s+[1-9]", timeout=60)
        assert re.search(r"Product, 2nd visit\s+on\s+20%", screen) and "Autumn newsletter" in screen
        term.keys("Escape")
        term.gone(r"Openers 3 rules", timeout=10)
        term.send_bytes(b"\x1bv")                          # alt+v: shoppers with a cart are on the site
        term.wait(r"Visitors", timeout=10)
        term.wait(r"\b\d+ EUR\b", timeout=60)
        term.keys("Escape")
        term.keys("C-q")
        term.wait(r"\[exited 0\]", timeout=30)
    finally:
        term.close()
    assert list(scratch.iterdir()) == []


def reload_until(term: Terminal, pattern: str, timeout: float) -> str:
    """Press r (the Openers screen's reload) until `pattern` is on the screen."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return term.wait(pattern, timeout=3)
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            term.keys("r")


def test_a_hang_up_stops_the_demo_and_removes_its_folder(tmp_path):
    """An SSH drop or a closed window: the terminal hangs up (tmux kills the pane with SIGHUP).
    Run with --no-shoppers: then the demo starts no shoppers."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = desk_env(tmp_path, TMPDIR=str(scratch))
    term = Terminal([sys.executable, "-m", "chatdesk", "demo", "--visitors", "1", "--no-shoppers"], env=env)
    try:
        term.wait(r"● live", timeout=120)
        assert list(scratch.iterdir())                       # the demo's folder, while it runs
        logs = {p.name for p in scratch.glob("*/*.log")}     # each child's log: no shoppers asked for
        assert "colleagues.log" in logs and "shoppers.log" not in logs, logs
    finally:
        term.close()
    deadline = time.monotonic() + 30
    while (list(scratch.iterdir()) or _running(scratch)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert list(scratch.iterdir()) == [] and _running(scratch) == ""


def _running(scratch) -> str:
    return subprocess.run(["pgrep", "-f", str(scratch)], capture_output=True, text=True).stdout
