"""The whole desk against the real server: real DeskSession, real HTTP and websockets, a visitor
driven over the visitor API. Only keys (and the odd click-free action call) drive the desk."""
from __future__ import annotations

import httpx

from chatdesk.tui.widgets.composer import Composer
from chatdesk.tui.widgets.queue_panel import QueuePanel
from chatdesk.tui.widgets.status_bar import StatusBar
from tests.support.desk import make_desk, transcript_text, until_live
from tests.support.harness import screen_text
from tests.support.visitor import Visitor
from tests.support.waiting import focus_on, wait_for

SIZE = (120, 34)



async def test_accept_reply_receive_and_markup_stays_inert(shared_server, operators, tmp_path):
    token = operators["ann"]
    v = await Visitor(shared_server.url).arrive("https://shop.test/cart", "Cart [b]x[/b]")
    cid = await v.start_chat("Hi [@click=app.quit]do you ship?", name="Vera [link=x]")
    app = make_desk(shared_server, token, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until_live(pilot, app)
        await wait_for(lambda: cid in app.desk.store.queue, what="chat in the queue", pilot=pilot)
        await pilot.press("f2")                                   # focus the queue
        assert isinstance(app.focused, QueuePanel)
        await pilot.press("enter")                                # accept it
        await wait_for(lambda: app.desk.active_id == cid, what="tab opened", pilot=pilot)
        await wait_for(lambda: "do you ship?" in transcript_text(app, cid), what="first message", pilot=pilot)
        assert isinstance(app.focused, Composer)
        await pilot.press(*"Yes, we do!")
        await pilot.press("enter")
        await wait_for(lambda: "Yes, we do! ✓" in transcript_text(app, cid)
                       or any(m.body == "Yes, we do!" for m in app.desk.store.conversations[cid].messages),
                       what="reply acknowledged", pilot=pilot)

        async def visitor_has_reply() -> bool:
            return any(m["body"] == "Yes, we do!" for m in await v.transcript())
        for _ in range(200):
            if await visitor_has_reply():
                break
            await pilot.pause(0.05)
        assert await visitor_has_reply()

        await v.say("Great, and to Norway?")
        await wait_for(lambda: "to Norway?" in transcript_text(app, cid), what="visitor message", pilot=pilot)
        text = screen_text(app)
        assert "Hi [@click=app.quit]do you ship?" in text and "Vera [link=x]" in text
        assert app.is_running
    await v.close()


async def test_switch_tabs_keeps_drafts_and_background_message_alerts(shared_server, operators, tmp_path):
    token = operators["bo"]
    v1 = await Visitor(shared_server.url).arrive()
    c1 = await v1.start_chat("first visitor here", name="One")
    v2 = await Visitor(shared_server.url).arrive()
    c2 = await v2.start_chat("second visitor here", name="Two")
    app = make_desk(shared_server, token, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until_live(pilot, app)
        await wait_for(lambda: len(app.desk.store.queue) == 2, what="two queued", pilot=pilot)
        await pilot.press("ctrl+o")                               # accept the oldest
        await wait_for(lambda: app.desk.active_id == c1, what="first tab", pilot=pilot)
        await pilot.press("ctrl+o")
        await wait_for(lambda: app.desk.active_id == c2, what="second tab", pilot=pilot)
        composer = app.desk.query_one(Composer)
        await pilot.press(*"d2")
        await pilot.press("alt+1")
        assert app.desk.active_id == c1 and composer.text == ""
        await pilot.press(*"d1")
        await pilot.press("ctrl+pagedown")
        assert app.desk.active_id == c2 and composer.text == "d2"
        await pilot.press("ctrl+pageup")
        assert app.desk.active_id == c1 and composer.text == "d1"
        # A message in the background tab: unread count, the bell and a line at the top.
        bar = app.desk.query_one(StatusBar)
        await v2.say("hello?")
        await wait_for(lambda: app.desk.store.conversations[c2].unread == 1, what="unread", pilot=pilot)
        await wait_for(lambda: bar.alert == "Two: hello?", what="the alert line", pilot=pilot)
        assert "✉ Two: hello?" in screen_text(app) and app.bell_count >= 1
        # A second line right after: the unread count rises, but no second toast or bell now ...
        rings = app.bell_count
        await v2.say("still there?")
        await wait_for(lambda: app.desk.store.conversations[c2].unread == 2, what="second unread", pilot=pilot)
        await pilot.pause()
        assert app.bell_count == rings and bar.alert == "Two: hello?"
        # ... when the quiet time ends, one alert names who wrote meanwhile
        await wait_for(lambda: bar.alert == "Two wrote meanwhile.", what="summary", pilot=pilot)
        assert app.bell_count == rings + 1 and not any("hello?" in m for m, _ in app.notes)
        await pilot.press("alt+2")
        await wait_for(lambda: app.desk.store.conversations[c2].unread == 0, what="read", pilot=pilot)
    await v1.close()
    await v2.close()


async def test_canned_picker_inserts_filled_text_and_asks_for_missing(shared_server, operators, tmp_path):
    token = operators["cy"]
    async with httpx.AsyncClient(base_url=shared_server.url + "/api/v1",
                                 headers={"Authorization": f"Bearer {token}"}) as op:
        r = await op.post("/canned", json={"shortcut": "hello", "title": "Greeting",
                                           "body": "Hi {visitor.name}, I am {operator.name}. Order {order.number}?",
                                           "tags": ["greet"]})
        assert r.status_code == 201, r.text
    v = await Visitor(shared_server.url).arrive()
    cid = await v.start_chat("hello", name="Dana")
    app = make_desk(shared_server, token, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until_live(pilot, app)
        await wait_for(lambda: cid in app.desk.store.queue and app.desk.store.canned, what="queue+canned", pilot=pilot)
        await pilot.press("ctrl+o")
        await wait_for(lambda: app.desk.active_id == cid, what="tab", pilot=pilot)
        await pilot.press("slash")                               # `/` at the start opens the picker
        await wait_for(lambda: app.screen.__class__.__name__ == "CannedPicker", what="picker", pilot=pilot)
        await pilot.press(*"greet")
        await pilot.press("enter")
        # {order.number} cannot be filled: the picker asks for it.
        await wait_for(lambda: app.screen.query(".missing"), what="question for the missing value", pilot=pilot)
        await pilot.press(*"A-77")
        await pilot.press("enter")
        composer = app.desk.query_one(Composer)
        await wait_for(lambda: composer.text, what="inserted text", pilot=pilot)
        assert composer.text == "Hi Dana, I am Cy Op. Order A-77?"
        # Inserted for editing, never sent blind.
        assert not any(m.author_type == "operator" for m in app.desk.store.conversations[cid].messages)
    await v.close()


async def test_internal_note_transfer_and_close_with_summary(shared_server, operators, tmp_path):
    srv = shared_server
    token_b = operators["eve"]
    token = operators["dan"]
    v1 = await Visitor(srv.url).arrive()
    c1 = await v1.start_chat("I need an invoice", name="Fay")
    v2 = await Visitor(srv.url).arrive()
    c2 = await v2.start_chat("Where is my parcel?", name="Gus")
    app = make_desk(srv, token, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until_live(pilot, app)
        await wait_for(lambda: {c1, c2} <= set(app.desk.store.queue), what="two queued", pilot=pilot)
        app.desk.accept(c1)
        await wait_for(lambda: app.desk.active_id == c1, what="tab 1", pilot=pilot)
        app.desk.accept(c2)
        await wait_for(lambda: app.desk.active_id == c2, what="tab 2", pilot=pilot)
        await pilot.press("alt+1")

        # Internal note (ctrl+n): operators see it, the visitor never does.
        await pilot.press("ctrl+n")
        await wait_for(lambda: app.screen.__class__.__name__ == "NoteDialog", what="note dialog", pilot=pilot)
        await pilot.press(*"VIP")
        await pilot.press("enter")
        await wait_for(lambda: "✎ internal note" in transcript_text(app, c1)
                       and any(m.kind == "note" for m in app.desk.store.conversations[c1].messages),
                       what="note in transcript", pilot=pilot)
        assert all(m["body"] != "VIP" for m in await v1.transcript())

        # Transfer (f4) to Eve with a hand-off note.
        await pilot.press("f4")
        await wait_for(lambda: app.screen.__class__.__name__ == "TransferDialog", what="transfer dialog", pilot=pilot)
        dialog = app.screen
        eve = next(i for i, t in enumerate(dialog.targets)
                   if t.operator_id is not None and app.desk.store.operators[t.operator_id].name == "Eve Colleague")
        for _ in range(eve):
            await pilot.press("down")
        await pilot.press("enter")                       # pick -> the note field
        await pilot.press(*"PDF")
        await pilot.press("enter")                       # submit
        await wait_for(lambda: c1 not in app.desk.tab_order, what="tab gone after transfer", pilot=pilot)
        async with httpx.AsyncClient(base_url=srv.url + "/api/v1",
                                     headers={"Authorization": f"Bearer {token_b}"}) as eve_api:
            detail = (await eve_api.get(f"/conversations/{c1}")).json()
        assert detail["conversation"]["operator_name"] == "Eve Colleague"

        # Close (f7) with summary and tags.
        assert app.desk.active_id == c2
        await pilot.press("f7")
        await wait_for(lambda: app.screen.__class__.__name__ == "CloseDialog", what="close dialog", pilot=pilot)
        summary = app.screen.query_one("#close-summary")
        assert summary.value == "Where is my parcel?"    # drafted from the chat, selected
        await pilot.press("backspace")                   # typing replaces it; here it goes
        await pilot.press("ctrl+s")                      # no summary now: refused with a sentence
        assert app.screen.__class__.__name__ == "CloseDialog"
        assert "summary" in str(app.screen.query_one("#dialog-error").render())
        await pilot.press(*"Late")
        await pilot.press("enter")
        await focus_on(pilot, "close-tags")
        await pilot.press(*"ship, eta")
        await pilot.press("enter")                       # tags -> follow-up (empty) -> submit
        await focus_on(pilot, "close-follow-up")
        await pilot.press("enter")
        await wait_for(lambda: c2 not in app.desk.tab_order, what="tab gone after close", pilot=pilot)
        async with httpx.AsyncClient(base_url=srv.url + "/api/v1",
                                     headers={"Authorization": f"Bearer {token}"}) as api:
            conv = (await api.get(f"/conversations/{c2}")).json()["conversation"]
        assert conv["state"] == "closed"
        assert conv["summary"] == "Late"
        assert conv["tags"] == ["ship", "eta"]
        assert not app.errors()
    await v1.close()
    await v2.close()


async def test_accept_beyond_cap_shows_the_servers_sentence(shared_server, operators, tmp_path):
    srv = shared_server
    token = operators["hal"]
    visitors = [await Visitor(srv.url).arrive() for _ in range(2)]
    cids = [await v.start_chat(f"question {i}") for i, v in enumerate(visitors)]
    app = make_desk(srv, token, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until_live(pilot, app)
        await wait_for(lambda: set(cids) <= set(app.desk.store.queue), what="two queued", pilot=pilot)
        assert app.desk.store.queue_sorted()[0].conversation.id == cids[0]
        await pilot.press("ctrl+o")
        await wait_for(lambda: app.desk.active_id == cids[0], what="first accepted", pilot=pilot)
        await pilot.press("ctrl+o")
        await wait_for(lambda: app.errors(), what="refusal shown", pilot=pilot)
        async with httpx.AsyncClient(base_url=srv.url + "/api/v1",
                                     headers={"Authorization": f"Bearer {token}"}) as api:
            r = await api.post(f"/conversations/{cids[1]}/accept")
        assert r.status_code == 409
        assert app.errors()[-1] == r.json()["message"]
        assert app.desk.tab_order == [cids[0]] and cids[1] in app.desk.store.queue
    # Leave nothing waiting for the other tests on this server: a colleague takes it.
    helper = operators["eve"]
    async with httpx.AsyncClient(base_url=srv.url + "/api/v1",
                                 headers={"Authorization": f"Bearer {helper}"}) as api:
        assert (await api.post(f"/conversations/{cids[1]}/accept")).status_code < 300
    for v in visitors:
        await v.close()


async def test_status_away_stops_routing_and_online_resumes(server_factory, tmp_path):
    srv = server_factory("--auto-assign")
    token = srv.operator("ivy@desk.test", "Ivy Op")
    app = make_desk(srv, token, tmp_path, keymap={"desk.status": "ctrl+y"})
    async with app.run_test(size=SIZE) as pilot:
        await until_live(pilot, app)
        await pilot.press("f8")                          # remapped by the user keymap: nothing opens
        await pilot.pause()
        assert app.screen is app.desk
        await pilot.press("ctrl+y")
        await wait_for(lambda: app.screen.__class__.__name__ == "StatusDialog", what="status dialog", pilot=pilot)
        await pilot.press("down", "enter")               # online -> away
        await wait_for(lambda: app.desk.store.me.status == "away", what="away", pilot=pilot)
        v = await Visitor(srv.url).arrive()
        cid = await v.start_chat("anyone?")
        await wait_for(lambda: cid in app.desk.store.queue, what="chat waits in the queue", pilot=pilot)
        assert "away" in screen_text(app) and not app.desk.tab_order
        await pilot.press("ctrl+p")                      # the command palette
        await pilot.press(*"online")
        await wait_for(lambda: "Status: online" in screen_text(app), what="palette hit", pilot=pilot)
        await pilot.press("enter")
        await wait_for(lambda: app.desk.active_id == cid, timeout=30, what="routed once online", pilot=pilot)
    await v.close()
