"""The Openers screen follows the terminal's size, not only its size at open: in a real tmux
window resized under it (SIGWINCH), the table drops to the columns that fit 80 when the window
narrows and gets the wide ones back (the Control column, the interval's header and strip) when
it widens, the cursor staying on its rule."""
from __future__ import annotations

from tests.support.api import Api
from tests.support.desk_process import desk_command, desk_env
from tests.support.terminal import Terminal

WIDE = r"Control .*Uplift, 95 % interval"


async def test_the_table_relayouts_when_the_window_is_resized(server, tmp_path):
    token = server.operator("sue@resize.test", "Sue Super", role="supervisor")
    sue = Api(server, token)
    for name in ("Tents rule", "Boots rule"):
        await sue.ok("POST", "/openers/rules", {"name": name, "conditions": {"url_pattern": "*/nowhere*"},
                                                "texts": {"en": "Hello"}})

    term = Terminal(desk_command(server.url), env=desk_env(tmp_path, token), size=(120, 34))
    try:
        term.wait(r"Board")
        term.keys("o")
        term.wait(r"Openers 2 rules")
        term.wait(WIDE)
        term.keys("Down")                                    # the cursor on the second rule
        term.wait(r"^ *Boots rule *$")                       # the chart names the rule under the cursor
        term.resize(80, 24)
        screen = term.wait(r"Uplift, 95 % *$")               # the narrow table: no interval header
        assert "Control" not in screen and "Boots rule" in screen
        term.wait(r"^ *Boots rule *$")                       # still the same rule under the cursor
        term.resize(120, 34)
        term.wait(WIDE)
        term.wait(r"^ *Boots rule *$")
    finally:
        term.close()
    await sue.close()
