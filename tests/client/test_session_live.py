"""DeskSession against the real server (subprocess, real SQLite, real HTTP and websockets).

Tests that stop or restart the server get their own (`server` fixture); the others share one per
module, each with its own operator, to keep the suite fast."""
from __future__ import annotations

import asyncio

import pytest

from chatdesk.client.api import ApiError
from chatdesk.client.session import DeskSession
from tests.support.accounts import new_operator
from tests.support.session import started_session
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

OP = "ana@example.com"


def bodies(view, author=None):
    return [m.body for m in view.messages if author is None or m.author_type == author]


@pytest.fixture
async def visitor(request):
    srv = request.getfixturevalue("server" if "server" in request.fixturenames else "shared_server")
    v = await Visitor(srv.url, retry_for=10).arrive("https://shop.example/kettle", "Blue kettle")
    yield v
    await v.close()


async def test_start_loads_the_snapshot(shared_server, tmp_path, visitor):
    token = new_operator(shared_server, "Ana")
    waiting = await visitor.start_chat("Is the kettle in stock?", name="Maria")
    mine_v = await Visitor(shared_server.url, retry_for=10).arrive(title="Checkout")
    mine = await mine_v.start_chat("My payment failed")
    boot = DeskSession(shared_server.url, token, state_dir=tmp_path)
    await boot.api.set_status("online")
    await boot.api.accept(mine)
    await mine_v.say("card ends 4242")
    await boot.stop()

    session = await started_session(shared_server, token, tmp_path)
    try:
        store = session.store
        assert store.me.name == "Ana" and store.connection == "live"
        assert waiting in [e.conversation.id for e in store.queue_sorted()]
        assert store.queue[waiting].first_message == "Is the kettle in stock?"
        assert store.queue[waiting].visitor.name == "Maria"
        assert list(store.conversations) == [mine]
        view = store.conversations[mine]
        assert bodies(view, "visitor") == ["My payment failed", "card ends 4242"]
        assert view.visitor.current_title == "Checkout" and view.waiting_since is not None
        rest = await session.api.operators()
        assert store.me.id in store.operators and set(store.operators) == {o.id for o in rest}
        assert store.last_event_id > 0
    finally:
        await session.stop()
        await mine_v.close()


async def test_live_queue_accept_receive_and_send_once(shared_server, regular_token, tmp_path, visitor):
    session = await started_session(shared_server, regular_token, tmp_path)
    try:
        await session.set_status("online")
        changes = []
        session.store.subscribe(changes.append)
        cid = await visitor.start_chat("hello?")
        await wait_for(lambda: cid in session.store.queue, what="the chat in the queue")
        assert any(c.kind == "queue" and c.id == cid and c.detail == "added" for c in changes)
        view = await session.accept(cid)
        assert cid not in session.store.queue and bodies(view) == ["hello?"]
        for i in range(3):
            await visitor.say(f"line {i}")
        await wait_for(lambda: len(view.messages) == 4, what="three live messages")
        assert bodies(view) == ["hello?", "line 0", "line 1", "line 2"] and view.unread == 3

        states = []
        session.store.subscribe(lambda c: states.append([p.state for p in view.pending]))
        out = session.send(cid, "Hi, I'm Ana.")
        assert out.state == "pending" and [p.client_msg_id for p in view.pending] == [out.client_msg_id]
        await wait_for(lambda: out.state == "sent" and not view.pending, what="the message acknowledged")
        await wait_for(lambda: session.store.last_event_id >= max(m.seq for m in view.messages) and
                       view.last_seq == view.messages[-1].seq, what="the echo")
        mine = [m for m in view.messages if m.client_msg_id == out.client_msg_id]
        assert len(mine) == 1 and mine[0].body == "Hi, I'm Ana." and view.waiting_since is None
        assert ["pending"] in states
        assert [m["body"] for m in await visitor.transcript()][-1] == "Hi, I'm Ana."

        session.store.mark_read(cid)
        assert view.unread == 0
    finally:
        await session.stop()


async def test_cut_websocket_and_restart_server_while_visitor_writes(server, tmp_path, visitor):
    """20 visitor messages across client-side cuts and a server restart: all once, in order; a
    reply written while disconnected is delivered once."""
    session = await started_session(server, server.operator(OP, "Ana"), tmp_path)
    try:
        await session.set_status("online")
        cid = await visitor.start_chat("start")
        await wait_for(lambda: cid in session.store.queue)
        view = await session.accept(cid)
        states = []
        session.store.subscribe(lambda c: c.kind == "connection" and states.append(c.detail))
        sent_while_away = None
        for i in range(20):
            if i in (3, 9):
                await wait_for(lambda: session.store.connection == "live")
                session.stream.drop()                     # as if the network cut the socket
            if i == 12:
                await wait_for(lambda: session.store.connection == "live")
                await asyncio.to_thread(server.stop)      # the server goes away...
                await wait_for(lambda: session.store.connection == "reconnecting")
                sent_while_away = session.send(cid, "still here, checking")
                await asyncio.sleep(0.3)                  # a few failed attempts while it is down
                assert sent_while_away.state == "pending"
                await asyncio.to_thread(server.start)     # ...and comes back on the same file
            await visitor.say(f"m{i:02d}")
        expected = ["start"] + [f"m{i:02d}" for i in range(20)]
        await wait_for(lambda: bodies(view, "visitor") == expected, timeout=20,
                       what=f"all visitor messages, got {bodies(view, 'visitor')}")
        await wait_for(lambda: sent_while_away.state == "sent" and not view.pending)
        assert bodies(view, "operator") == ["still here, checking"]
        seqs = [m.seq for m in view.messages]
        assert seqs == sorted(seqs) and len({m.id for m in view.messages}) == len(view.messages)
        assert "reconnecting" in states and states[-1] == "live"
        assert session.stream.connections >= 4, states   # first, two cuts, the restart
        server_side = [m["body"] for m in await visitor.transcript()]
        assert server_side.count("still here, checking") == 1
    finally:
        await session.stop()


async def test_outbox_survives_a_new_session(server, tmp_path, visitor):
    token = server.operator(OP, "Ana")
    first = await started_session(server, token, tmp_path)
    await first.set_status("online")
    cid = await visitor.start_chat("anyone?")
    await wait_for(lambda: cid in first.store.queue)
    await first.accept(cid)
    await first.stream.stop()             # from here on the desk hears nothing back...
    await first.outbox.aclose()           # ...and its outbox only records, as if the desk died
    # a message the server stored but whose answer never came back: the outbox still holds it
    lost = first.send(cid, "answer lost on the way")
    await first.api.send_message(cid, lost.client_msg_id, lost.body)
    assert lost.state == "pending"
    await asyncio.to_thread(server.stop)
    unsent = first.send(cid, "typed while the server was down")
    assert unsent.state == "pending"
    await first.stop()
    files = list(tmp_path.glob("outbox-*.json"))
    assert len(files) == 1
    assert lost.client_msg_id in files[0].read_text() and unsent.client_msg_id in files[0].read_text()

    await asyncio.to_thread(server.start)
    second = await started_session(server, token, tmp_path)
    try:
        view = second.store.conversations[cid]
        await wait_for(lambda: not second.outbox.items and not view.pending, what="the outbox drained")
        await wait_for(lambda: bodies(view, "operator") == ["answer lost on the way", "typed while the server was down"])
        server_side = [m["body"] for m in await visitor.transcript()]
        assert server_side == ["anyone?", "answer lost on the way", "typed while the server was down"]
        assert unsent.client_msg_id not in files[0].read_text()
    finally:
        await second.stop()


async def test_reset_reloads_everything(server_factory, tmp_path):
    srv = server_factory("--keep-events", "5")
    token = srv.operator(OP, "Ana")
    visitor = await Visitor(srv.url, retry_for=10).arrive()
    session = await started_session(srv, token, tmp_path)
    try:
        await session.set_status("online")
        cid = await visitor.start_chat("first")
        await wait_for(lambda: cid in session.store.queue)
        view = await session.accept(cid)
        view.draft = "half-typed answer"
        notices = []
        session.store.subscribe(lambda c: c.kind == "notice" and notices.append(c.text))
        await session.stream.stop()                      # away for a while...
        for i in range(12):                              # ...while more happens than the log keeps
            await visitor.say(f"while away {i}")
        session.stream.start()
        await wait_for(lambda: len(bodies(view, "visitor")) == 13, what="the reload")
        assert bodies(view, "visitor") == ["first"] + [f"while away {i}" for i in range(12)]
        assert view.draft == "half-typed answer" and session.store.conversations[cid] is view
        assert any("reloaded" in n for n in notices)
        await visitor.say("after the reset")
        await wait_for(lambda: bodies(view, "visitor")[-1] == "after the reset")
    finally:
        await session.stop()
        await visitor.close()


async def test_transfer_to_me_reloads_the_transcript(shared_server, regular_token, tmp_path, visitor):
    bo_token = regular_token                 # hands the chat over: ends with as many chats as before
    ana = await started_session(shared_server, new_operator(shared_server, "Ana"), tmp_path / "ana")
    bo = await started_session(shared_server, bo_token, tmp_path / "bo")
    try:
        await ana.set_status("online")
        await bo.set_status("online")
        cid = await visitor.start_chat("need a refund")
        await wait_for(lambda: cid in bo.store.queue)
        await bo.accept(cid)
        await visitor.say("order 77")
        bo.send(cid, "let me pass you to Ana")
        await wait_for(lambda: not bo.outbox.items)
        await wait_for(lambda: cid not in ana.store.queue)
        await bo.transfer(cid, operator_id=ana.store.me.id, note="refund, order 77")
        view = await wait_for(lambda: ana.store.conversations.get(cid), what="the transferred chat")
        await wait_for(lambda: bodies(view) [:3] == ["need a refund", "order 77", "let me pass you to Ana"],
                       what=f"the full transcript, got {bodies(view)}")
        await wait_for(lambda: bo.store.conversations[cid].conversation.operator_id == ana.store.me.id)
    finally:
        await ana.stop()
        await bo.stop()


async def test_refused_message_fails_with_the_servers_sentence(shared_server, regular_token, tmp_path, visitor):
    session = await started_session(shared_server, regular_token, tmp_path)
    try:
        await session.set_status("online")
        cid = await visitor.start_chat("bye soon")
        await wait_for(lambda: cid in session.store.queue)
        await session.accept(cid)
        await session.close(cid, "done", ["test"])
        await wait_for(lambda: session.store.conversations[cid].conversation.state == "closed")
        out = session.send(cid, "too late")
        await wait_for(lambda: out.state == "failed")
        assert "closed" in out.error and session.store.conversations[cid].pending[0].state == "failed"
        session.discard(out.client_msg_id)
        assert session.store.conversations[cid].pending == []
    finally:
        await session.stop()


async def test_typing_and_sneak_peek(shared_server, regular_token, tmp_path, visitor):
    session = await started_session(shared_server, regular_token, tmp_path)
    try:
        await session.set_status("online")
        cid = await visitor.start_chat("hi")
        await wait_for(lambda: cid in session.store.queue)
        view = await session.accept(cid)
        await visitor.typing("my order number is \x1b]0;pwn\x07 12")
        await wait_for(lambda: view.visitor_typing, what="the typing indicator")
        assert view.sneak_peek == "my order number is  12"
        await session.typing(cid, True)                  # operator -> visitor: must not raise
    finally:
        await session.stop()


async def test_bad_token_is_a_sentence(shared_server, tmp_path):
    session = DeskSession(shared_server.url, "not-a-token", state_dir=tmp_path)
    with pytest.raises(ApiError) as err:
        await session.start()
    assert err.value.status == 401 and str(err.value)
    await session.stop()


async def test_actions_reach_the_store_through_the_stream(shared_server, regular_token, tmp_path, visitor):
    session = await started_session(shared_server, regular_token, tmp_path)
    try:
        store = session.store
        await session.set_status("online")
        assert store.me.status == "online"
        cid = await visitor.start_chat("hi", name="Maria Lopez")
        await wait_for(lambda: cid in store.queue)
        view = await session.accept(cid)
        assert view.visitor.pageviews and view.visitor.current_title == "Blue kettle"

        reply = await session.api.create_canned("hey", "Greeting", "Hi {visitor.first_name}, {operator.name} "
                                                "here. Reach you at {visitor.email}?", ["start"])
        text, missing = session.fill_canned(reply, cid)
        assert text.startswith("Hi Maria, Ana Smith here.") and missing == ["visitor.email"]
        text, missing = session.fill_canned(reply, cid, {"visitor.email": "m@example.com"})
        assert missing == [] and text.endswith("m@example.com?")

        parts = session.send_parts(cid, "First sentence here. Second one follows! And a third?", max_len=25)
        assert [p.body for p in parts] == ["First sentence here.", "Second one follows!", "And a third?"]
        await wait_for(lambda: [m.body for m in view.messages if m.author_type == "operator"] ==
                       [p.body for p in parts], what="the parts, in order")

        await session.update_visitor(cid, email="maria@example.com")
        await wait_for(lambda: view.visitor.email == "maria@example.com", what="visitor.updated")
        await session.add_visitor_note(cid, "prefers e-mail\x1b[2J")
        await wait_for(lambda: [n.body for n in view.visitor.notes] == ["prefers e-mail"], what="visitor.note")
        await session.callback(cid, "phone", "+34 600 000 000", "after 5pm")
        await wait_for(lambda: view.visitor.phone == "+34 600 000 000")
        await wait_for(lambda: any(m.author_type == "system" and "Callback requested" in m.body
                                   for m in view.messages))
        await session.set_status("away")
        await wait_for(lambda: store.me.status == "away" and store.operators[store.me.id].status == "away")
    finally:
        await session.stop()


async def test_revoked_token_takes_the_desk_offline_with_a_sentence(shared_server, regular_token, tmp_path):
    session = await started_session(shared_server, regular_token, tmp_path)
    try:
        notices = []
        session.store.subscribe(lambda c: c.kind == "notice" and notices.append(c.text))
        await session.api.logout()                       # the token is revoked server-side
        session.stream.drop()                            # the next connection must be refused
        await wait_for(lambda: session.store.connection == "offline", what="offline")
        assert any("Log in again" in n for n in notices)
        assert session.stream.state == "offline"
    finally:
        await session.stop()
