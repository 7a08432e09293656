"""Each conversation tab keeps its own scroll position and draft: read back in one chat, answer in
another, come back to the same lines — the real desk against the real server, keys only."""
from __future__ import annotations

import re

from chatdesk.tui.widgets.composer import Composer
from tests.support.desk import accept_by_keys, make_desk, transcript_text
from tests.support.harness import screen_text
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

SIZE = (120, 34)
LONG = 60                        # more lines than the transcript shows at 120x34


def line(i: int) -> str:
    return f"story line {i:02d}"


def lines_on_screen(app) -> list[str]:
    return re.findall(r"story line \d\d", screen_text(app))


async def test_each_tab_keeps_its_scroll_position_and_draft(shared_server, tmp_path):
    token = shared_server.operator("scroll@desk.test", "Sol Scroller")
    reader = await Visitor(shared_server.url).arrive()
    long_chat = await reader.start_chat(line(0), name="Long Story")
    for i in range(1, LONG):
        await reader.say(line(i))
    other = await Visitor(shared_server.url).arrive()
    short_chat = await other.start_chat("a quick question", name="Quick Q")
    app = make_desk(shared_server, token, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(lambda: app.desk.store.connection == "live", what="live", pilot=pilot)
        await accept_by_keys(pilot, app, long_chat)
        long_view = app.desk.transcripts[long_chat]
        await wait_for(lambda: line(LONG - 1) in lines_on_screen(app), what="the newest line on screen", pilot=pilot)
        assert long_view.follow and long_view.scroll_y == long_view.max_scroll_y > 0

        await pilot.press("pageup")                              # from the reply box: read back
        await wait_for(lambda: not long_view.follow, what="scrolled up", pilot=pilot)
        shown = lines_on_screen(app)
        kept_y = long_view.scroll_y
        assert 0 < kept_y < long_view.max_scroll_y and line(LONG - 1) not in shown and shown
        await pilot.press(*"about the story")                    # a half-written reply

        await accept_by_keys(pilot, app, short_chat)             # the second chat opens its own tab
        assert app.desk.query_one(Composer).text == ""
        await pilot.press(*"quick draft")
        await reader.say("are you still reading?")               # arrives while the long tab is hidden
        await wait_for(lambda: "are you still reading?" in transcript_text(app, long_chat), what="laid out", pilot=pilot)
        assert app.desk.active_id == short_chat

        await pilot.press("alt+1")
        await wait_for(lambda: app.desk.active_id == long_chat, what="back on the long tab", pilot=pilot)
        await pilot.pause()
        assert long_view.scroll_y == kept_y, "the long tab lost its place"
        assert lines_on_screen(app) == shown                      # the very lines left, not the bottom
        assert long_view.unseen == 1 and "1 new below" in screen_text(app)
        assert app.desk.query_one(Composer).text == "about the story"

        await pilot.press("ctrl+pagedown")
        await wait_for(lambda: app.desk.active_id == short_chat, what="the short tab", pilot=pilot)
        assert app.desk.query_one(Composer).text == "quick draft"
        await pilot.press("ctrl+pageup")
        await pilot.pause()
        assert long_view.scroll_y == kept_y and app.desk.query_one(Composer).text == "about the story"
        assert not app.errors()
    await reader.close()
    await other.close()
