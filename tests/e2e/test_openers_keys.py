"""The supervisor's new doors and the Openers keys in a real terminal (tmux, the real `chatdesk`
command): on the board o opens the Openers screen, p pauses the rule under the cursor, minus moves
it down (byte 0x2d), Esc goes back; ctrl+l (byte 0x0c) opens the work list from the board and Esc
closes it.
Each effect is read back from the server."""
from __future__ import annotations

from tests.support.api import Api
from tests.support.desk_process import desk_command, desk_env
from tests.support.terminal import Terminal
from tests.support.waiting import wait_for

CTRL_L = b"\x0c"


async def test_board_doors_and_opener_keys(server, tmp_path):
    token = server.operator("sue@keys.test", "Sue Super", role="supervisor")
    sue = Api(server, token)
    first = await sue.ok("POST", "/openers/rules", {"name": "Boots help", "conditions": {"url_pattern": "*/boots*"},
                                                    "texts": {"en": "Need a hand with boots?"}})
    second = await sue.ok("POST", "/openers/rules", {"name": "Cart rescue", "conditions": {"min_cart_value": 100},
                                                     "texts": {"en": "Questions before you pay?"}})

    async def rules() -> list[dict]:
        return (await sue.ok("GET", "/openers/rules"))["rules"]

    term = Terminal(desk_command(server.url), env=desk_env(tmp_path, token), size=(120, 34))
    try:
        term.wait(r"Board")                              # staff open on the board
        term.keys("o")
        term.wait(r"Openers 2 rules")
        term.wait(r"Cart rescue")
        term.keys("p")                                   # the cursor starts on the first rule
        await wait_for(lambda: _enabled(rules, first["id"], False), what="the first rule paused")
        term.keys("-")                                   # the byte 0x2d: Textual names it minus
        await wait_for(lambda: _order(rules, [second["id"], first["id"]]), what="the first rule moved down")
        term.keys("Escape")
        term.wait(r"Board · online")                     # back on the board
        term.send_bytes(CTRL_L)
        term.wait(r"Work list open")
        term.keys("Escape")
        term.wait(r"Board · online")
    finally:
        term.close()
        await sue.close()


async def _enabled(rules, rule_id: int, enabled: bool) -> bool:
    return any(r["id"] == rule_id and r["enabled"] is enabled for r in await rules())


async def _order(rules, ids: list[int]) -> bool:
    return [r["id"] for r in await rules()] == ids
