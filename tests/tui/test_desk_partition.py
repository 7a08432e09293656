"""Only the operator's connection is cut (a chaos proxy between desk and server) while the visitor,
still connected, keeps writing: the desk says it is reconnecting, the operator keeps typing, and when
the network is back the missed messages appear once and in order and the reply typed meanwhile is
sent once."""
from __future__ import annotations

from chatdesk.tui.widgets.composer import Composer
from tests.support.chaos_proxy import ChaosProxy
from tests.support.desk import make_desk, transcript_text
from tests.support.harness import screen_text
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

MISSED = [f"are you still there? ({n})" for n in range(1, 6)]


async def test_missed_messages_arrive_once_in_order_after_a_cut(shared_server, tmp_path):
    server = shared_server
    token = server.operator("cut@desk.test", "Cut Op")
    proxy = await ChaosProxy(server.port).start()
    v = await Visitor(server.url).arrive()
    cid = await v.start_chat("hello?", name="Pia")
    app = make_desk(proxy, token, tmp_path)      # the desk reaches the server only via the proxy
    try:
        async with app.run_test(size=(120, 34)) as pilot:
            await wait_for(lambda: app.desk.store.connection == "live" and cid in app.desk.store.queue,
                           timeout=30, what="desk live with the chat queued", pilot=pilot)
            await pilot.press("ctrl+o")
            await wait_for(lambda: app.desk.active_id == cid, what="tab opened", pilot=pilot)

            proxy.partition()
            await wait_for(lambda: "Reconnecting" in screen_text(app), timeout=30, what="reconnecting shown", pilot=pilot)
            for body in MISSED:                               # the visitor is not cut off
                await v.say(body)
            await pilot.press(*"sorry, one sec")
            await pilot.press("enter")
            await pilot.press(*"draft")

            proxy.heal()
            await wait_for(lambda: app.desk.store.connection == "live", timeout=30, what="live again", pilot=pilot)
            view = app.desk.store.conversations[cid]
            await wait_for(lambda: sum(m.body in MISSED for m in view.messages) == len(MISSED),
                           timeout=30, what="missed messages", pilot=pilot)
            await wait_for(lambda: any(m.body == "sorry, one sec" for m in view.messages),
                           timeout=30, what="the reply typed while cut off was sent", pilot=pilot)
            # the transcript follows the store at its next frame: wait for it, then count
            await wait_for(lambda: all(b in transcript_text(app, cid) for b in MISSED),
                           timeout=30, what="missed messages on screen", pilot=pilot)
            bodies = [m.body for m in view.messages]
            assert [b for b in bodies if b in MISSED] == MISSED                 # once, in order
            assert [m.seq for m in view.messages] == sorted({m.seq for m in view.messages})
            shown = transcript_text(app, cid)
            assert [shown.count(b) for b in MISSED] == [1] * len(MISSED)
            assert shown.index(MISSED[0]) < shown.index(MISSED[-1])
            assert app.desk.query_one(Composer).text == "draft"                # the draft survived
        visitor_bodies = [m["body"] for m in await v.transcript()]
        assert visitor_bodies.count("sorry, one sec") == 1
    finally:
        await v.close()
        await proxy.stop()
