"""The command palette finds a staff screen's keys by their names too: "whisper" on the monitor
(its tooltip never says the word) and on the board (where `m` opens the monitor that offers it)."""
from __future__ import annotations

from chatdesk.tui.commands import DeskCommands
from chatdesk.tui.screens.monitor import MonitorScreen
from tests.support.accounts import make_accounts
from tests.support.desk import make_desk, on_board
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for


async def titles_for(screen, query: str) -> list[str]:
    provider = DeskCommands(screen)
    return [str(hit.text) async for hit in provider.search(query)]


async def test_whisper_is_found_on_the_board_and_in_the_monitor(shared_server, tmp_path):
    token = make_accounts(shared_server, "palette.test", {"pia": ("Pia Supervisor", "supervisor")})["pia"]
    v = await Visitor(shared_server.url).arrive()
    cid = await v.start_chat("palette words", name="Palette")
    app = make_desk(shared_server, token, tmp_path)
    try:
        async with app.run_test(size=(120, 34)) as pilot:
            board = await on_board(pilot, app)
            found = await titles_for(board, "whisper")
            assert any(t.startswith("Board: monitor the chat") and "whisper" in t for t in found), found
            app.call_later(board.open_monitor, cid)
            monitor = await wait_for(lambda: isinstance(app.screen, MonitorScreen) and app.screen, "monitor",
                                     pilot=pilot)
            found = await titles_for(monitor, "whisper")
            assert found and found[0].startswith("Monitor: a message only the operator sees (Whisper"), found
            assert await titles_for(monitor, "zzqx") == []           # a word that names nothing finds nothing
    finally:
        await v.call("POST", f"/visitor/conversations/{cid}/close", {})
        await v.close()
