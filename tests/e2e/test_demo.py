"""`chatdesk demo`, the README's first command, in a real terminal: the desk opens logged in with a
returning visitor waiting, simulated visitors arrive, and quitting stops and removes everything."""
from __future__ import annotations

import subprocess
import sys

from tests.support.desk_process import desk_env
from tests.support.terminal import Terminal


def test_demo_opens_the_desk_and_cleans_up_after_itself(tmp_path):
    scratch = tmp_path / "tmp"          # the demo keeps its database under TMPDIR
    scratch.mkdir()
    env = desk_env(tmp_path, TMPDIR=str(scratch))
    term = Terminal([sys.executable, "-m", "chatdesk", "demo", "--visitors", "3"], env=env)
    try:
        screen = term.wait(r"● live", timeout=90)
        term.wait(r"↺\d+ Ines Moreau", timeout=20)           # the returning visitor from the seed
        assert "Dana Park" in screen
        term.wait(r"Queue [2-9]", timeout=90)                  # a simulated visitor opened a chat too
        term.keys("C-q")
        term.wait(r"\[exited 0\]", timeout=30)
    finally:
        term.close()
    assert list(scratch.iterdir()) == []                     # database and logs removed
    leftovers = subprocess.run(["pgrep", "-f", str(scratch)], capture_output=True, text=True).stdout
    assert leftovers == ""                                   # no server or simulator left running
