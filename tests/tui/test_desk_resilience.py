"""Typing both ways, the connection dropping under the operator's hands, and the composer's
one-key sends — against the real server."""
from __future__ import annotations

import asyncio

from chatdesk.tui.widgets.composer import Composer
from tests.support.desk import make_desk, transcript_text
from tests.support.harness import screen_text
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

SIZE = (120, 34)


async def open_desk_with_chat(pilot, app, cid):
    await wait_for(lambda: app.desk.store.connection == "live" and cid in app.desk.store.queue,
                   timeout=30, what="desk live with the chat queued", pilot=pilot)
    await pilot.press("ctrl+o")
    await wait_for(lambda: app.desk.active_id == cid, what="tab opened", pilot=pilot)


async def test_typing_both_ways_with_sneak_peek(shared_server, operators, tmp_path):
    server = shared_server
    token = operators["cy"]
    v = await Visitor(server.url).arrive()
    cid = await v.start_chat("hi", name="Uma")
    await v.open_stream()
    app = make_desk(server, token, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_desk_with_chat(pilot, app, cid)
        await v.stream_typing(True, "order 12")
        await wait_for(lambda: "Uma is typing…  “order 12”" in screen_text(app),
                       what="sneak peek on the desk", pilot=pilot)
        await pilot.press(*"Hm")
        await wait_for(lambda: any(f.get("type") == "typing" and f.get("actor") == "operator"
                                          and f.get("is_typing") for f in v.frames),
                       what="operator typing reaches the visitor", pilot=pilot)
        assert all("text" not in f or not f["text"] for f in v.frames if f.get("type") == "typing")
        await v.stream_typing(False)
        await wait_for(lambda: "is typing" not in screen_text(app), what="typing cleared", pilot=pilot)
    await v.close()


async def test_reconnecting_keeps_typing_and_sends_once_when_back(server, tmp_path):
    token = server.operator("re@desk.test", "Re Op")
    # The desk opens while the server is down: it says so, keeps trying, and connects later.
    server.stop()
    app = make_desk(server, token, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(lambda: app.errors(), what="unreachable said", pilot=pilot)
        assert "not reachable" in app.errors()[0] and "Offline" in screen_text(app)
        await asyncio.to_thread(server.start)
        v = await Visitor(server.url).arrive()
        cid = await v.start_chat("are you there?", name="Val")
        await open_desk_with_chat(pilot, app, cid)
        server.kill()
        await wait_for(lambda: app.desk.store.connection in ("reconnecting", "offline"),
                       timeout=30, what="desk notices the drop", pilot=pilot)
        await wait_for(lambda: "Reconnecting" in screen_text(app), what="reconnecting shown", pilot=pilot)
        await pilot.press(*"still")
        await pilot.press("enter")
        await wait_for(lambda: "still ○ sending…" in transcript_text(app, cid), what="pending", pilot=pilot)
        await pilot.press(*"more")
        assert app.desk.query_one(Composer).text == "more"
        await asyncio.to_thread(server.start)
        await wait_for(lambda: app.desk.store.connection == "live", timeout=30, what="live again", pilot=pilot)
        await wait_for(lambda: any(m.body == "still"
                                          for m in app.desk.store.conversations[cid].messages),
                       timeout=30, what="sent after the reconnect", pilot=pilot)
        await v.say("yes!")
        await wait_for(lambda: "yes!" in transcript_text(app, cid), what="new visitor message", pilot=pilot)
        bodies = [m["body"] for m in await v.transcript()]
        assert bodies.count("still") == 1
        assert transcript_text(app, cid).count("still") == 1
        assert "Reconnecting" not in screen_text(app)
        assert app.desk.query_one(Composer).text == "more"
    await v.close()


async def test_send_in_parts_and_the_one_moment_line(shared_server, operators, tmp_path):
    server = shared_server
    token = operators["ann"]
    v = await Visitor(server.url).arrive()
    cid = await v.start_chat("tell me everything", name="Wes")
    app = make_desk(server, token, tmp_path, split_len=30)
    async with app.run_test(size=SIZE) as pilot:
        await open_desk_with_chat(pilot, app, cid)
        await pilot.press("ctrl+g")
        composer = app.desk.query_one(Composer)
        composer.insert("First we check the order. Then we ship it today. You get a mail.")
        await pilot.press("ctrl+r")

        def operator_bodies():
            return [m.body for m in app.desk.store.conversations[cid].messages if m.author_type == "operator"]
        await wait_for(lambda: len(operator_bodies()) >= 4, what="four messages", pilot=pilot)
        assert operator_bodies() == ["One moment, I am checking that for you.", "First we check the order.",
                                     "Then we ship it today.", "You get a mail."]
        assert composer.text == ""
        # Longer than one message may be: the desk says so and keeps the text.
        composer.insert("x" * 8_001)
        await pilot.press("enter")
        await wait_for(lambda: any("8,001 characters" in m for m, _ in app.notes), what="too long", pilot=pilot)
        assert len(composer.text) == 8_001 and len(operator_bodies()) == 4
    await v.close()

