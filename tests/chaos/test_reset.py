"""Too old to resume: the server keeps only the newest few events (--keep-events); the desk is cut off
(a network partition at the proxy) while much happens; on reconnect the server answers `reset`, the
desk reloads over REST, and its store agrees with the server's REST view: queue, conversations,
messages. The draft of a chat still open survives."""
from __future__ import annotations

import asyncio

import pytest

from chatdesk.client.session import DeskSession
from tests.support.api import Operator
from tests.support.chaos_proxy import ChaosProxy
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

KEEP = 5


async def rest_view(session: DeskSession) -> dict:
    """What the server says over REST (through the healed proxy)."""
    api = session.api
    me = await api.me()
    queue = {e.conversation.id for e in await api.queue()}
    mine = {c.id for c in await api.conversations() if c.operator_id == me.id and c.state == "active"}
    msgs = {cid: [(m.id, m.seq, m.body) for m in (await api.conversation(cid)).messages] for cid in mine}
    return {"queue": queue, "mine": mine, "messages": msgs}


def store_view(session: DeskSession) -> dict:
    store = session.store
    me = store.me.id
    mine = {cid for cid, v in store.conversations.items()
            if v.conversation.state == "active" and v.conversation.operator_id == me}
    return {"queue": set(store.queue), "mine": mine,
            "messages": {cid: [(m.id, m.seq, m.body) for m in store.conversations[cid].messages] for cid in mine}}


@pytest.mark.timeout(90)
async def test_reset_after_a_long_partition(server_factory, tmp_path):
    srv = server_factory("--keep-events", str(KEEP))
    bo, sue = await asyncio.gather(Operator.create(srv, "bo@example.com", name="Bo"),
                                   Operator.create(srv, "sue@example.com", name="Sue", role="supervisor"))
    ana_token = await asyncio.to_thread(srv.operator, "ana@example.com", "Ana")
    proxy = await ChaosProxy(srv.port, seed=5).start()
    session = DeskSession(proxy.url, ana_token, state_dir=tmp_path, http_timeout=1.0, ping_interval=0.5)
    visitors: list[Visitor] = []
    try:
        await session.start()
        await session.set_status("online")
        await bo.status("online")
        notices: list[str] = []
        ended: dict[int, str] = {}

        def watch(c) -> None:
            if c.kind == "notice":
                notices.append(c.text)
            elif c.kind == "conversation" and c.detail in ("closed", "left", "removed"):
                ended[c.id] = c.detail
        session.store.subscribe(watch)

        async def chat(body: str) -> tuple[Visitor, int]:
            v = await Visitor(srv).arrive()
            visitors.append(v)
            return v, await v.start_chat(body, name=f"Visitor {len(visitors)}")

        (v1, c1), (v2, c2), (v3, c3), (v4, c4), (v6, c6) = [await chat(f"chat {i}") for i in range(1, 6)]
        await wait_for(lambda: {c1, c2, c3, c4, c6} <= set(session.store.queue), what="five chats queued")
        for cid in (c1, c2, c6):
            await session.accept(cid)
        session.store.conversations[c6].draft = "a draft for a chat that will be taken away"
        session.store.conversations[c1].draft = "your parcel left the depot on"
        assert (await bo.accept(c4)).status_code == 200
        before = session.store.last_event_id

        proxy.partition()                         # the desk is offline from here...
        await wait_for(lambda: session.store.connection != "live", what="the desk noticing")
        for i in range(4):                        # ...while far more than KEEP events happen
            await v1.say(f"while away {i}")
        await v1.view("https://shop.example/tracking", "Tracking")
        await v2.ok("POST", f"/visitor/conversations/{c2}/close")       # my chat, closed by its visitor
        await sue.ok("POST", f"/conversations/{c6}/transfer", {"operator_id": bo.id, "note": "Bo knows"})
        assert (await bo.accept(c3)).status_code == 200                 # leaves the queue
        await bo.say(c4, "I'll pass you to Ana")
        await bo.ok("POST", f"/conversations/{c4}/transfer", {"operator_id": session.store.me.id,
                                                              "note": "wants a refund"})   # becomes mine
        _, c5 = await chat("chat 5, new while the desk was away")
        await bo.status("away")
        assert (await bo.detail(c1)).status_code == 403   # sanity: Bo cannot read Ana's chat

        proxy.heal()
        await wait_for(lambda: any("reloaded everything" in n for n in notices), timeout=20,
                       what=f"the reset reload (notices {notices})")
        await wait_for(lambda: session.store.connection == "live", what="live again")
        assert session.store.last_event_id > before
        expected = await rest_view(session)
        assert expected["queue"] == {c5} and expected["mine"] == {c1, c4}
        await wait_for(lambda: store_view(session) == expected, timeout=20,
                       what=f"the store to match REST: {store_view(session)} vs {expected}")
        assert session.store.operators[bo.id].status == "away"
        v1_view = session.store.conversations[c1]
        assert v1_view.draft == "your parcel left the depot on"
        assert v1_view.visitor.current_title == "Tracking"
        assert [m.body for m in session.store.conversations[c4].messages][:2] == ["chat 4", "I'll pass you to Ana"]
        # chats that ended while the desk was away are shown as such (not silently dropped), the
        # way the events would have: closed by its visitor; transferred away by a supervisor
        assert session.store.conversations[c2].conversation.state == "closed"
        assert session.store.conversations[c6].conversation.operator_id != session.store.me.id
        assert ended == {c2: "closed", c6: "left"}
        assert session.store.conversations[c6].draft == "a draft for a chat that will be taken away"

        await v1.say("after the reset")           # and live again from the new mark
        await wait_for(lambda: [m.body for m in session.store.conversations[c1].messages][-1] == "after the reset")
    finally:
        await session.stop()
        await proxy.stop()
        for v in visitors:
            await v.close()
        await bo.close()
        await sue.close()
