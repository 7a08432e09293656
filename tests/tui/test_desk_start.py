"""The desk as the `chatdesk` command starts it: with the first snapshot already fetched
(chatdesk.client.prefetch), the desk's first screen shows the queue, and the stream carries on from
that snapshot without asking for it again."""
from __future__ import annotations

from chatdesk.client.prefetch import HISTORY_PAGE, DeskPrefetch
from chatdesk.tui.settings import DeskSettings
from chatdesk.tui.theme_loader import SHIPPED_DIR
from tests.support.desk import RecordingDesk
from tests.support.harness import screen_text
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

SIZE = (120, 34)


async def test_the_first_screen_shows_the_prefetched_queue_and_the_stream_goes_on_from_it(
        shared_server, operators, tmp_path):
    token = operators["jo"]
    v = await Visitor(shared_server.url).arrive()
    cid = await v.start_chat("is the first screen ready?", name="Prisca Prefetch")
    prefetch = DeskPrefetch(shared_server.url, token, HISTORY_PAGE)
    assert await prefetch.body() is not None                 # here before the desk starts
    late = await Visitor(shared_server.url).arrive()
    late_cid = await late.start_chat("I came after the snapshot", name="Lars Late")
    app = RecordingDesk(url=shared_server.url, token=token, state_dir=tmp_path / "state", keymap={},
                        theme_dirs=[SHIPPED_DIR], settings=DeskSettings(bell=False), prefetch=prefetch)
    async with app.run_test(size=SIZE) as pilot:
        assert cid in app.desk.store.queue and late_cid not in app.desk.store.queue
        await pilot.pause()
        assert "Prisca Prefetch" in screen_text(app)             # on the first frames
        # the stream resumes after the snapshot's newest event: what came later arrives by itself
        await wait_for(lambda: late_cid in app.desk.store.queue, what="the later chat", pilot=pilot)
        await wait_for(lambda: "Lars Late" in screen_text(app), what="the later chat shown", pilot=pilot)
        assert app.desk.store.connection == "live" and not app.errors()
        for conv in (cid, late_cid):                           # leave nothing waiting
            await app.session.accept(conv)
            await app.session.close(conv, "done")
    await v.close()
    await late.close()
