"""The Visitors list on a real desk against a real server (Pilot): the cursor stays on the same
visitor through a sort, an order flip and a live frame that changes their row; a filter that
matches nobody says so; Esc leaves the filter first, then the screen. The rows are the visitors'
text drawn as plain segments: markup in a name stays text."""
from __future__ import annotations

from chatdesk.tui.screens.visitors import VisitorsScreen
from tests.support.desk import make_desk, until_live
from tests.support.harness import screen_text
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for


async def test_the_cursor_follows_its_visitor_through_sorts_and_frames(server, tmp_path):
    token = server.operator("vic@tui.test", "Vic Op")
    people = []
    for name, cart in (("Ann First", 10), ("[b]Bo[/b] Second", 300), ("Cy Third", 50)):
        v = await Visitor(server.url).arrive(url=f"https://shop.test/{name[:3]}", title=f"Page of {name}")
        await v.call("POST", "/visitor/events", {"type": "identify", "name": name})
        await v.call("POST", "/visitor/events", {"type": "cart", "value": cart, "currency": "EUR"})
        people.append(v)
    bo = people[1]
    app = make_desk(server, token, tmp_path)
    async with app.run_test(size=(120, 34)) as pilot:
        await until_live(pilot, app)
        app.action_visitors()
        screen = await wait_for(lambda: isinstance(app.screen, VisitorsScreen) and app.screen.query("VisitorTable")
                                and len(app.screen.table.rows) == 3 and app.screen, what="the list", pilot=pilot)
        assert [v.name for v in screen.table.rows] == ["Ann First", "[b]Bo[/b] Second", "Cy Third"]
        await pilot.press("down")
        assert screen.table.selected.id == bo.id
        await pilot.press("s", "s")                              # by cart: Bo first
        assert screen.table.rows[0].id == bo.id and screen.table.selected.id == bo.id
        await pilot.press("o")                                   # least first: Bo last
        assert screen.table.rows[-1].id == bo.id and screen.table.selected.id == bo.id
        await wait_for(lambda: "[b]Bo[/b] Second" in screen_text(app), what="the name as text", pilot=pilot)

        await bo.view("https://shop.test/checkout", "Checkout now")
        await wait_for(lambda: "Checkout now" in screen_text(app), what="the frame drawn", pilot=pilot)
        assert screen.table.selected.id == bo.id and app.session.browsing.loads == 1

        await pilot.press("slash", *"zzz")
        await wait_for(lambda: "Nobody matches the filter." in screen_text(app), what="empty filter", pilot=pilot)
        assert screen.table.selected is None
        await pilot.press("escape")                              # out of the filter, the screen stays
        assert isinstance(app.screen, VisitorsScreen) and app.focused is screen.table
        await pilot.press("escape")
        await wait_for(lambda: not isinstance(app.screen, VisitorsScreen), what="back to the desk", pilot=pilot)
    for v in people:
        await v.close()
