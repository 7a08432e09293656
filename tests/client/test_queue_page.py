"""A flooded queue reaches the desk as one page: DeskSession against the real server with more
chats waiting than GET /desk sends. The store shows the oldest page, counts the rest, refetches
the page when a chat leaves it and counts newer chats without fetching anything."""
from __future__ import annotations

from chatdesk.protocol.limits import QUEUE_PAGE
from tests.support.accounts import new_operator
from tests.support.api import Operator
from tests.support.seed_queue import seed_queue
from tests.support.session import started_session
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

BEYOND = 30


async def test_the_desk_shows_the_oldest_page_and_how_many_more_wait(server_factory, tmp_path):
    srv = server_factory("--visitor-timeout", "100000")
    seed_queue(srv.database, QUEUE_PAGE + BEYOND)
    session = await started_session(srv, new_operator(srv, "Ana"), tmp_path)
    try:
        state = session.store.queue_state
        names = [e.visitor.name for e in session.store.queue_sorted()]
        assert names == [f"Seed {i}" for i in range(QUEUE_PAGE)]
        assert state.more == BEYOND and state.waiting == QUEUE_PAGE + BEYOND
        # Someone takes the oldest: the page is fetched again and the next one moves up into it.
        ben = await Operator.create(srv, "ben@example.com")
        oldest = session.store.queue_sorted()[0].conversation.id
        assert (await ben.accept(oldest)).status_code == 200
        await wait_for(lambda: state.more == BEYOND - 1 and len(state.entries) == QUEUE_PAGE,
                       "the page refetched after a chat left it")
        assert oldest not in state.entries
        assert session.store.queue_sorted()[-1].visitor.name == f"Seed {QUEUE_PAGE}"
        # A new chat is newer than everything beyond the page: counted, not shown.
        v = await Visitor(srv).arrive()
        await v.start_chat("hello")
        await wait_for(lambda: state.more == BEYOND, "the new chat counted beyond the page")
        assert v.cid not in state.entries and len(state.entries) == QUEUE_PAGE
        await v.close()
        await ben.close()
    finally:
        await session.stop()
