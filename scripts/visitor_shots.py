"""Screenshots of the Visitors list and the Openers screen from the real desk against the real
server: a shop crowd that browses, fills carts, chats and is invited (over the real visitor API),
and opener rules whose figures come from simulated shoppers (tests/support/opener_figures.py).

    uv run python scripts/visitor_shots.py       (scripts/screenshots.py runs it too)
"""
from __future__ import annotations

import asyncio
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.api import Api  # noqa: E402
from tests.support.desk import make_desk, on_board  # noqa: E402
from tests.support.live_server import LiveServer  # noqa: E402
from tests.support.opener_figures import seed_opener_figures  # noqa: E402
from tests.support.visitor import Visitor  # noqa: E402
from tests.support.waiting import wait_for  # noqa: E402

from chatdesk.simulator.script import NAMES, REFERRERS, SHOP_PAGES  # noqa: E402

OUT = ROOT / "screenshots"
SHOP = "https://northwind.example"
CROWD = 40


async def crowd(srv: LiveServer, sue: Api) -> list[Visitor]:
    rng = random.Random(12)
    people: list[Visitor] = []
    for i in range(CROWD):
        path, title = rng.choice(SHOP_PAGES)
        referrer, tag = rng.choice(REFERRERS)
        v = await Visitor(srv.url).arrive(url=SHOP + path + (tag if "?" not in path else ""), title=title,
                                          referrer=referrer)
        if rng.random() < 0.4:
            await v.call("POST", "/visitor/events", {"type": "identify", "name": f"{rng.choice(NAMES)} {chr(65 + i % 26)}."})
        if rng.random() < 0.35:
            await v.call("POST", "/visitor/events", {"type": "cart", "value": rng.choice([39, 59, 129, 189, 249]),
                                                     "currency": "EUR", "items": rng.randint(1, 3)})
        if rng.random() < 0.3:
            nxt, nxt_title = rng.choice(SHOP_PAGES)
            await v.view(SHOP + nxt, nxt_title)
        people.append(v)
    for v in people[3:5]:
        await v.start_chat("Do these run true to size?", name="Maya")
    await sue.ok("PUT", "/me/status", {"status": "online"})
    await sue.ok("POST", f"/browsing/{people[7].id}/invite", {"body": "Hi! Need a hand choosing a size?"})
    return people


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        await seed_opener_figures(work / "shots.db", visits=400, effect=0.08)
        srv = LiveServer(work / "shots.db", extra_args=["--browsing-idle", "3600"]).start()
        try:
            token = srv.operator("sue@northwind.example", "Sue Super", role="supervisor")
            sue = Api(srv, token)
            await sue.ok("POST", "/openers/rules", {"name": "Cart rescue", "enabled": False,
                                                    "conditions": {"min_cart_value": 100, "min_page_seconds": 30},
                                                    "texts": {"en": "Any questions before you check out?"}})
            people = await crowd(srv, sue)
            app = make_desk(srv, token, work / "desk")
            async with app.run_test(size=(120, 34)) as pilot:
                await on_board(pilot, app)
                await pilot.press("escape", "alt+v")     # the board -> the desk, where alt+v opens the list
                await wait_for(lambda: len(app.session.store.browsing.visitors) >= CROWD, "the crowd", pilot=pilot)
                await pilot.press("down", "down", "down")
                await pilot.pause(1.0)
                app.clear_notifications()
                (OUT / "visitors.svg").write_text(app.export_screenshot(title="chatdesk — visitors on the site"))
                print("wrote screenshots/visitors.svg")
                await pilot.press("escape", "ctrl+b", "o")
                await wait_for(lambda: getattr(app.screen, "loaded_at", None) is not None, "the openers", pilot=pilot)
                await pilot.pause(0.5)
                app.clear_notifications()
                (OUT / "openers.svg").write_text(app.export_screenshot(title="chatdesk — openers"))
                print("wrote screenshots/openers.svg")
            for v in people:
                await v.close()
            await sue.close()
        finally:
            srv.stop()


if __name__ == "__main__":
    asyncio.run(main())
