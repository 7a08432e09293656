"""The Openers screen on a real supervisor desk against a real server: o on the board opens it,
the rule shows with its figures, p pauses it on the server."""
from __future__ import annotations

from chatdesk.tui.screens.openers import OpenersScreen
from tests.support.api import Api
from tests.support.desk import make_desk, on_board
from tests.support.harness import screen_text
from tests.support.waiting import wait_for


async def test_o_opens_the_rules_with_figures_and_p_pauses(server, tmp_path):
    token = server.operator("sam@openers.test", "Sam Super", role="supervisor")
    sam = Api(server, token)
    rule = await sam.ok("POST", "/openers/rules", {"name": "Boots help", "conditions": {"url_pattern": "*/product*"},
                                                   "texts": {"en": "Need a hand?"}, "control_percent": 20})
    app = make_desk(server, token, tmp_path)
    async with app.run_test(size=(120, 34)) as pilot:
        await on_board(pilot, app)
        await pilot.press("o")
        screen = await wait_for(lambda: isinstance(app.screen, OpenersScreen) and app.screen.rules and app.screen,
                                what="the openers screen", pilot=pilot)
        await wait_for(lambda: "Boots help" in screen_text(app) and "not enough data yet" in screen_text(app),
                       what="the rule and its verdict", pilot=pilot)
        assert "20%" in screen_text(app)
        await pilot.press("p")
        await wait_for(lambda: screen.rules and screen.rules[0].enabled is False, what="paused", pilot=pilot)
    (stored,) = (await sam.ok("GET", "/openers/rules"))["rules"]
    assert stored["id"] == rule["id"] and stored["enabled"] is False
    await sam.close()
