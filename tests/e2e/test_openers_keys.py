"""The supervisor's doors and the Openers screen in a real terminal (tmux, the real `chatdesk`
command), one desk run on a database with real opener figures (simulated shoppers three days
ago, support/opener_figures.py): on the board o opens the Openers screen with the figures and
the interval for the last 30 days; d steps the period (all time, today: nothing yet, 7 days:
the figures again); x writes the CSV (a rule name that a spreadsheet would run is written as
text); p pauses the rule under the cursor, minus (0x2d) moves it down and plus (0x2b) up again;
n makes a rule in its dialog; e edits the rule under the cursor (what the dialog does not show
is kept); r shows a rule made elsewhere meanwhile; Esc goes back to the
board; ctrl+l (0x0c) opens the work list from the board and Esc closes it, and so does alt+v
(ESC v) with the Visitors list.
Each effect is read back from the server or the file."""
from __future__ import annotations

import csv

from tests.support.api import Api
from tests.support.desk_process import desk_command, desk_env
from tests.support.opener_figures import BOOTS_RULE, PRODUCT_RULE, seed_opener_figures
from tests.support.terminal import Terminal
from tests.support.waiting import wait_for

CTRL_L = b"\x0c"
HOSTILE = '=HYPERLINK("http://evil.test","x")'


async def test_board_doors_and_every_opener_key(server_factory, tmp_path):
    await seed_opener_figures(tmp_path / "figures.db", visits=160)
    server = server_factory(name="figures")
    token = server.operator("sue@keys.test", "Sue Super", role="supervisor")
    sue = Api(server, token)
    await sue.ok("POST", "/openers/rules", {"name": HOSTILE, "conditions": {"url_pattern": "*/nowhere*"},
                                            "texts": {"en": "+1 or -1, @you"}})

    async def rules() -> list[dict]:
        return (await sue.ok("GET", "/openers/rules"))["rules"]
    product, boots, hostile = [r["id"] for r in await rules()]
    exports = tmp_path / "exports"

    term = Terminal(desk_command(server.url), env=desk_env(tmp_path, token, CHATDESK_EXPORT_DIR=str(exports)),
                    size=(120, 34))
    try:
        term.wait(r"Board")                              # staff open on the board
        term.keys("o")
        term.wait(r"Openers 3 rules  period: last 30 days")
        screen = term.wait(PRODUCT_RULE + r" .* pts \[")   # the uplift with its interval
        assert BOOTS_RULE in screen and "not enough data yet" in screen
        assert "shown " in screen and "control " in screen and "uplift " in screen   # the chart

        term.keys("d")
        term.wait(r"period: all time")
        term.wait(PRODUCT_RULE + r" .* pts \[")
        term.keys("d")
        term.wait(r"period: today")
        term.wait(PRODUCT_RULE + r" .* not enough data yet")  # the shoppers came days ago
        term.keys("d")
        term.wait(r"period: last 7 days")
        term.wait(PRODUCT_RULE + r" .* pts \[")

        term.keys("x")
        term.wait(r"Saved 3 rules to")
        (written,) = await wait_for(lambda: list(exports.glob("openers-last-7-days-*.csv")), what="the CSV file")
        table = list(csv.DictReader(written.open(encoding="utf-8", newline="")))
        assert [r["rule"] for r in table] == [PRODUCT_RULE, BOOTS_RULE, "'" + HOSTILE]   # text, not a formula
        assert table[2]["opener"] == "'+1 or -1, @you"
        assert int(table[0]["qualified"]) == 160 and table[0]["uplift_low"] and table[1]["verdict"]

        term.keys("p")                                   # the cursor starts on the first rule
        await wait_for(lambda: _enabled(rules, product, False), what="the first rule paused")
        term.keys("-")                                   # the byte 0x2d: Textual names it minus
        await wait_for(lambda: _order(rules, [boots, product, hostile]), what="the first rule moved down")
        term.send_bytes(b"+")                            # the byte 0x2b (plus): the same rule back up
        await wait_for(lambda: _order(rules, [product, boots, hostile]), what="the rule moved up again")

        term.keys("n")
        term.wait(r"New opener rule")
        term.type("Sale rescue")
        term.keys("C-s")
        term.wait(r"Rule Sale rescue created")
        made = [r for r in await rules() if r["name"] == "Sale rescue"]
        assert len(made) == 1 and made[0]["conditions"]["url_pattern"] == "*/product*"

        await sue.ok("POST", "/openers/rules", {"name": "Made elsewhere", "texts": {"en": "Hello"}})
        term.keys("r")
        term.wait(r"Openers 5 rules")
        term.wait(r"Made elsewhere")

        term.keys("e")                                   # edit the rule under the cursor (the first)
        term.wait(r"Edit opener rule " + PRODUCT_RULE)
        term.type(" v2")                                 # the cursor starts after the name
        term.keys("C-s")
        term.wait(r"Rule Product pages v2 saved")
        edited = next(r for r in await rules() if r["id"] == product)
        assert edited["name"] == PRODUCT_RULE + " v2"
        assert edited["conditions"]["url_pattern"] == "*/product.html*"      # what the dialog kept
        assert edited["control_percent"] == 50 and edited["texts"] == {"en": "Questions about {page.title}?"}

        term.keys("Escape")
        term.wait(r"Board · online")                     # back on the board
        term.send_bytes(CTRL_L)
        term.wait(r"Work list open")
        term.keys("Escape")
        term.wait(r"Board · online")
        term.send_bytes(b"\x1bv")                       # alt+v as the terminal sends it: ESC v
        term.wait(r"Visitors on the site")
        term.keys("Escape")
        term.wait(r"Board · online")
    finally:
        term.close()
        await sue.close()


async def _enabled(rules, rule_id: int, enabled: bool) -> bool:
    return any(r["id"] == rule_id and r["enabled"] is enabled for r in await rules())


async def _order(rules, ids: list[int]) -> bool:
    return [r["id"] for r in await rules()] == ids
