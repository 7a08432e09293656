"""A long chat opens with its newest page; older pages come on request; a reload covers exactly
what the view already showed plus what is new, with no hole and no duplicate."""
from __future__ import annotations

from chatdesk.client.session import DeskSession
from tests.support.accounts import new_operator
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for


async def test_newest_page_first_then_older_pages_and_a_reload_keeps_them(shared_server, tmp_path):
    token = new_operator(shared_server, "Pia")
    visitor = await Visitor(shared_server.url, retry_for=10).arrive()
    session = DeskSession(shared_server.url, token, state_dir=tmp_path, history_page=5)
    await session.start()
    try:
        cid = await visitor.start_chat("v0")
        for i in range(1, 14):
            await visitor.say(f"v{i}")
        await session.set_status("online")
        await wait_for(lambda: cid in session.store.queue, what="the chat in the queue")
        view = await session.accept(cid)
        bodies = lambda: [m.body for m in view.messages]     # noqa: E731
        full = (await session.api.conversation(cid)).messages
        assert len(full) >= 14 and view.has_older
        assert [m.id for m in view.messages] == [m.id for m in full[-5:]]

        assert await session.load_older(cid) is True
        assert len(view.messages) == 10 and view.has_older
        while await session.load_older(cid):
            pass
        assert not view.has_older and await session.load_older(cid) is False
        full = (await session.api.conversation(cid)).messages
        assert [m.id for m in view.messages] == [m.id for m in full]

        # a fresh desk: one page; a reload after new messages covers that page and the new ones
        await session.stop()
        session = DeskSession(shared_server.url, token, state_dir=tmp_path, history_page=5)
        await session.start()
        view = session.store.conversations[cid]
        assert len(view.messages) == 5 and view.has_older
        first_shown = view.messages[0].id
        for i in range(14, 20):
            await visitor.say(f"v{i}")
        await wait_for(lambda: "v19" in bodies(), what="the new messages over the stream")
        await session.reload_all()
        full = (await session.api.conversation(cid)).messages
        ids = [m.id for m in full]
        assert [m.id for m in view.messages] == ids[ids.index(first_shown):]
        assert view.has_older and len(view.messages) == 11
    finally:
        await session.stop()
        await visitor.close()
