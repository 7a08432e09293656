"""Work items through DeskSession against the real server: a visitor's callback request reaches
every desk live (cleaned), is claimed, called (the desk's own status goes on the phone) and done
(back online), and another desk sees each step."""
from __future__ import annotations

import asyncio

import pytest

from chatdesk.client.api import ApiError
from tests.support.accounts import new_operator
from tests.support.session import started_session
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for


@pytest.fixture
async def two_desks(shared_server, tmp_path):
    tokens = await asyncio.gather(asyncio.to_thread(new_operator, shared_server, "Wendy"),
                                  asyncio.to_thread(new_operator, shared_server, "Xavi"))
    desks = [await started_session(shared_server, t, tmp_path / str(i)) for i, t in enumerate(tokens)]
    yield desks
    for d in desks:
        await d.stop()


async def ask(srv, **fields) -> tuple[Visitor, int]:
    v = await Visitor(srv.url, retry_for=10).arrive()
    body = {"kind": "callback", "channel": "phone", "phone": "+358 40 123", "name": "Liisa",
            "preferred_time": "klo 15", **fields}
    return v, (await v.call("POST", "/visitor/requests", body))["id"]


async def test_a_request_is_claimed_called_and_done_and_the_other_desk_follows(shared_server, two_desks):
    wendy, xavi = two_desks
    await wendy.work.load()
    _v, rid = await ask(shared_server, message="Soita \x1b]0;owned\x07minulle [@click=app.quit]")
    await wait_for(lambda: rid in wendy.store.work.items and rid in xavi.store.work.items, what="both desks")
    item = wendy.store.work.items[rid]
    assert item.message == "Soita minulle [@click=app.quit]"          # the escape is gone, markup kept as text
    assert item.name == "Liisa" and item.preferred_time == "klo 15"
    assert rid in [i.id for i in wendy.store.work.pending()]

    claimed = await wendy.work.claim(rid)
    assert claimed.state == "claimed" and claimed.claimed_by == wendy.store.me.id
    with pytest.raises(ApiError) as refused:
        await xavi.work.claim(rid)
    assert refused.value.status == 409 and str(refused.value) == "Wendy has claimed this request already."
    await wait_for(lambda: xavi.store.work.items[rid].state == "claimed", what="claimed on the other desk")

    called = await wendy.work.call(rid)
    assert called.calling_since is not None and wendy.store.me.status == "on_phone"
    await wait_for(lambda: xavi.store.operators[wendy.store.me.id].status == "on_phone", what="Wendy on the phone")

    done = await wendy.work.done(rid, "Soitettu, kaikki kunnossa.")
    assert done.state == "done" and done.done_note == "Soitettu, kaikki kunnossa."
    assert wendy.store.me.status == "online" and rid not in wendy.store.work.items
    await wait_for(lambda: rid not in xavi.store.work.items, what="done: gone from the other desk's list")


async def test_a_call_while_holding_a_chat_is_refused_with_the_servers_sentence(shared_server, two_desks):
    wendy, _ = two_desks
    v = await Visitor(shared_server.url, retry_for=10).arrive()
    cid = await v.start_chat("Hello", name="Vera")
    assert await wendy.accept(cid) is not None
    _v, rid = await ask(shared_server)
    with pytest.raises(ApiError) as refused:
        await wendy.work.call(rid)
    assert refused.value.status == 409
    assert str(refused.value) == "You still hold 1 chat: transfer or close them before going on the phone."
    assert wendy.store.me.status == "online"
    assert (await wendy.api.work.item(rid)).state == "open"
