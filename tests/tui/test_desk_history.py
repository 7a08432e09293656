"""A long chat opens with its newest page; PageUp at the top of the transcript loads older pages,
and what the operator was reading stays on screen while they come in above it."""
from __future__ import annotations

from chatdesk.client.session import DeskSession
from chatdesk.tui.settings import DeskSettings
from chatdesk.tui.theme_loader import SHIPPED_DIR
from chatdesk.tui.widgets.transcript import OLDER_HINT
from tests.support.desk import RecordingDesk, transcript_text
from tests.support.harness import screen_text
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

PAGE = 30             # more lines than the transcript shows at 120x34
N = 3 * PAGE


def body(i: int) -> str:
    return f"line {i:02d} of a long story"


async def test_older_pages_load_at_the_top_and_the_view_stays_put(shared_server, tmp_path):
    token = shared_server.operator("pager@desk.test", "Pam Pager", max_chats=4)
    v = await Visitor(shared_server.url).arrive()
    cid = await v.start_chat(body(0), name="Lena")
    for i in range(1, N):
        await v.say(body(i))
    app = RecordingDesk(url=shared_server.url, token=token, theme_dirs=[SHIPPED_DIR],
                        settings=DeskSettings(bell=False),
                        session_factory=lambda url, tok: DeskSession(url, tok, state_dir=tmp_path, history_page=PAGE))
    async with app.run_test(size=(120, 34)) as pilot:
        await wait_for(lambda: cid in app.desk.store.queue, what="the chat in the queue", pilot=pilot)
        app.desk.accept(cid)
        await wait_for(lambda: body(N - 1) in screen_text(app), what="the newest message on screen", pilot=pilot)
        view = app.desk.store.conversations[cid]
        transcript = app.desk.transcripts[cid]
        assert len(view.messages) == PAGE and view.has_older
        assert transcript.plain_lines()[0] == OLDER_HINT and body(N - PAGE - 1) not in transcript_text(app, cid)

        while len(view.messages) == PAGE:              # PageUp from the reply box; the top loads more
            await pilot.press("pageup")
            await pilot.pause(0.05)
        await wait_for(lambda: len(view.messages) == 2 * PAGE, what="the older page", pilot=pilot)
        await wait_for(lambda: body(N - 2 * PAGE) in transcript_text(app, cid), what="older lines laid out", pilot=pilot)
        assert body(N - PAGE) in screen_text(app), "the line read before the load left the screen"
        assert body(N - 2 * PAGE - 1) not in transcript_text(app, cid) and transcript.plain_lines()[0] == OLDER_HINT

        while view.has_older:                          # to the very first message
            await pilot.press("pageup")
            await pilot.pause(0.05)
        await wait_for(lambda: body(0) in transcript_text(app, cid), what="the first message", pilot=pilot)
        lines = transcript.plain_lines()
        assert OLDER_HINT not in lines
        assert [m.body for m in view.messages if m.author_type == "visitor"] == [body(i) for i in range(N)]
        assert not app.errors()
    await v.close()
