"""Alerts, the visitor's journey and the actions on it, a broken theme, and the 80x24 layout —
the real desk against the real server."""
from __future__ import annotations

import time

import httpx

from chatdesk.tui.theme_loader import SHIPPED_DIR
from chatdesk.tui.widgets.journey_sidebar import JourneySidebar
from chatdesk.tui.widgets.queue_panel import QueuePanel
from tests.support.desk import make_desk, transcript_text
from tests.support.harness import screen_text
from tests.support.visitor import Visitor
from tests.support.waiting import focus_on, wait_for


async def test_alerts_journey_callback_notes_and_contact(shared_server, operators, tmp_path):
    srv = shared_server
    token = operators["jo"]
    broken = tmp_path / "themes"
    broken.mkdir()
    (broken / "oops.toml").write_text("name = 'oops'\nprimary = 'nope'\n")
    shift = [0.0]
    app = make_desk(srv, token, tmp_path, theme_dirs=[SHIPPED_DIR, broken], theme="chatdesk-light",
                    clock=lambda: time.time() + shift[0])
    async with app.run_test(size=(120, 34)) as pilot:
        await wait_for(lambda: app.desk.store.connection == "live", timeout=30, what="live", pilot=pilot)
        assert app.theme == "chatdesk-light"
        assert any("oops.toml" in m and s == "warning" for m, s in app.notes)

        # A new chat: bell and toast; while it waits, alerts again after alert_every seconds.
        v = await Visitor(srv.url).arrive("https://shop.test/", "Home", referrer="https://search.test/")
        await v.view("https://shop.test/boots", "Boots")
        cid = await v.start_chat("do boots come in 46?", name="Kim")
        await wait_for(lambda: any("Kim on Boots" in m for m, _ in app.notes), what="new chat toast", pilot=pilot)
        rings = app.bell_count
        assert rings >= 1
        shift[0] += 31
        await wait_for(lambda: any("1 waiting, longest" in m for m, _ in app.notes), what="re-alert", pilot=pilot)
        assert app.bell_count > rings

        await pilot.press("ctrl+o")
        await wait_for(lambda: app.desk.active_id == cid, what="accepted", pilot=pilot)
        sidebar = app.desk.query_one(JourneySidebar)
        # The full journey arrives with the accept: referrer and every page with its time.
        await wait_for(lambda: "From: https://search.test/" in screen_text(app)
                       and " Home" in screen_text(app) and " Boots" in screen_text(app), what="journey shown", pilot=pilot)
        # The visitor moves on: the current page follows live.
        await v.view("https://shop.test/cart", "Cart")
        await wait_for(lambda: "Now: Cart" in screen_text(app), what="live current page", pilot=pilot)

        # Callback by phone (f6): recorded on the visitor and as a system line.
        await pilot.press("f6")
        await wait_for(lambda: app.screen.__class__.__name__ == "CallbackDialog", what="callback dialog", pilot=pilot)
        await focus_on(pilot, "callback-value")
        await pilot.press(*"+4471", "enter")
        await focus_on(pilot, "callback-note")
        await pilot.press(*"pm", "enter")
        await wait_for(lambda: "Callback requested by phone: +4471 (pm)" in transcript_text(app, cid),
                       what="callback line", pilot=pilot)
        await wait_for(lambda: sidebar.query_one("#journey-phone").value == "+4471", what="phone shown", pilot=pilot)

        # Contact edit and a visitor note from the sidebar.
        name_box = sidebar.query_one("#journey-name")
        name_box.focus()
        name_box.value = "Kim Lee"
        await pilot.press("enter")
        sidebar.query_one("#journey-new-note").focus()
        await pilot.press(*"size 46", "enter")
        async with httpx.AsyncClient(base_url=srv.url + "/api/v1",
                                     headers={"Authorization": f"Bearer {token}"}) as api:
            async def saved():
                d = (await api.get(f"/visitors/{v.id}")).json()
                return d["name"] == "Kim Lee" and any(n["body"] == "size 46" for n in d["notes"]) and d
            for _ in range(200):
                if await saved():
                    break
                await pilot.pause(0.05)
            detail = await saved()
        assert detail and detail["phone"] == "+4471"
        await wait_for(lambda: "Jo Op: size 46" in screen_text(app), what="note in the sidebar", pilot=pilot)
        assert not app.errors()
    await v.close()


async def test_80x24_collapses_the_sidebar_and_f9_brings_it_back(shared_server, operators, tmp_path):
    token = operators["dan"]              # no chats yet: his own test runs later
    app = make_desk(shared_server, token, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(lambda: app.desk.store.connection == "live", timeout=30, what="live", pilot=pilot)
        sidebar = app.desk.query_one(JourneySidebar)
        queue = app.desk.query_one(QueuePanel)
        await wait_for(lambda: app.desk.has_class("-narrow"), what="narrow layout", pilot=pilot)
        assert sidebar.region.width == 0 and queue.region.width > 0
        await pilot.press("f9")
        await wait_for(lambda: sidebar.region.width > 0, what="sidebar shown", pilot=pilot)
        assert queue.region.width == 0           # the queue makes room while the sidebar is open
        await pilot.press("f9")
        await wait_for(lambda: sidebar.region.width == 0 and queue.region.width > 0, what="back", pilot=pilot)
        text = screen_text(app)
        assert "Queue 0" in text and "No chat open" in text and "f1 Help" in text
