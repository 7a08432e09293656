"""In a real terminal (tmux, 80x24): a notice shows at the top right under the top line and leaves
the reply box exactly as it was."""
from __future__ import annotations

from tests.support.desk_process import desk_command, desk_env
from tests.support.terminal import Terminal

NOTICE = "Nobody is waiting in the queue."


def test_a_notice_leaves_the_reply_box_alone(server, tmp_path):
    token = server.operator("nora@e2e.test", "Nora Notice")
    term = Terminal(desk_command(server.url), env=desk_env(tmp_path, token), size=(80, 24))
    try:
        before = term.wait(r"● live").splitlines()
        box = [n for n, line in enumerate(before) if "Reply" in line or "╭" in line or "╰" in line]
        assert box, "\n".join(before)
        term.keys("C-o")                                   # accept the oldest: there is nobody
        after = term.wait(NOTICE).splitlines()
        rows = [n for n, line in enumerate(after) if NOTICE in line]
        assert rows and all(1 <= n <= 3 for n in rows), rows          # under the top line, at the top
        assert after[0] == before[0]                                  # the top line untouched
        for n in box:
            assert after[n] == before[n], (after[n], before[n])       # the reply box untouched
    finally:
        term.close()
