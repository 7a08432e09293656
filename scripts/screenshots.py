"""Regenerate screenshots/ from the real desk against the real server, on the reproducible floor
used by the snapshot tests (tests/support/floor.py), then the supervisor / trainer screens on the
same floor with a trainer and a novice in approval mode (tests/support/floor_staff.py), the
widget, the Visitors list and Openers screen (scripts/visitor_shots.py), and the report on a
staffed day (scripts/report_shot.py).

    uv run python scripts/screenshots.py
"""
from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.floor_desk import floor_desk, start_floor, until_floor_shown  # noqa: E402
from tests.support.floor_staff import WHISPER, build_staff, conversation_of  # noqa: E402
from tests.support.waiting import wait_for  # noqa: E402

OUT = ROOT / "screenshots"


async def shoot(app, size: tuple[int, int], name: str, keys: tuple[str, ...] = ()) -> None:
    async with app.run_test(size=size) as pilot:
        await until_floor_shown(pilot)
        if keys:
            await pilot.press(*keys)
            await pilot.pause(0.3)
        (OUT / name).write_text(app.export_screenshot(title="chatdesk"))
        print(f"wrote screenshots/{name}")


async def shoot_staff(srv, token: str, now: float, work: Path, tom: int) -> None:
    """The board, a monitored conversation with a whisper, and the approval queue."""
    from chatdesk.tui.screens.approvals import ApprovalQueueScreen
    from chatdesk.tui.screens.board import BoardScreen
    from chatdesk.tui.screens.monitor import MonitorScreen

    async def board_shown(pilot) -> BoardScreen:
        app = pilot.app
        await wait_for(lambda: isinstance(app.screen, BoardScreen) and app.screen.live
                    and app.desk.store.oversight.board is not None and len(app.desk.store.oversight.board.queue) == 2, "the board", pilot=pilot)
        await pilot.pause(0.3)
        app.clear_notifications()
        return app.screen

    app = floor_desk(srv, token, now, work / "staff-board")
    async with app.run_test(size=(120, 34)) as pilot:
        await board_shown(pilot)
        await pilot.pause(0.2)
        (OUT / "board.svg").write_text(app.export_screenshot(title="chatdesk — board"))
        print("wrote screenshots/board.svg")

    app = floor_desk(srv, token, now, work / "staff-monitor")
    async with app.run_test(size=(120, 34)) as pilot:
        board = await board_shown(pilot)
        board.open_monitor(tom)
        await wait_for(lambda: isinstance(app.screen, MonitorScreen) and app.screen.loaded, "the monitor", pilot=pilot)
        app.session.staff.whisper(tom, WHISPER)
        await wait_for(lambda: any(m.body == WHISPER for m in app.desk.store.oversight.monitored[tom].messages),
                    "the whisper", pilot=pilot)
        await pilot.pause(0.3)
        app.clear_notifications()
        (OUT / "monitor.svg").write_text(app.export_screenshot(title="chatdesk — monitor"))
        print("wrote screenshots/monitor.svg")

    app = floor_desk(srv, token, now, work / "staff-approvals")
    async with app.run_test(size=(120, 34)) as pilot:
        await board_shown(pilot)
        await pilot.press("a")
        await wait_for(lambda: isinstance(app.screen, ApprovalQueueScreen) and app.screen.items
                    and app.screen.context_id is not None, "the approval queue", pilot=pilot)
        await pilot.pause(0.5)
        app.clear_notifications()
        (OUT / "approvals.svg").write_text(app.export_screenshot(title="chatdesk — approvals"))
        print("wrote screenshots/approvals.svg")


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        srv, token, now = start_floor(work)
        try:
            shots = [((120, 34), "desk.svg", ()),
                     ((80, 24), "desk-80x24.svg", ()),
                     ((120, 34), "canned-picker.svg", ("slash", "s", "i", "z", "e"))]
            for n, (size, name, keys) in enumerate(shots):
                await shoot(floor_desk(srv, token, now, work / f"state{n}"), size, name, keys)
            trainer, _novice = build_staff(srv)       # after the desk shots: they stay as they were
            await shoot_staff(srv, trainer, now, work, conversation_of(srv, token, "Tom Becker"))
            # The widget on the shop in the demo's own look (its widget config), four shots.
            from scripts.widget_phone import shoot_widgets

            from chatdesk.demo.run import DEMO_SHOP
            srv.stop()
            srv.extra_args = ["--shop-config", str(DEMO_SHOP)]
            srv.start()
            await shoot_widgets(srv.url, trainer, OUT)
            from scripts.widget_invite import shoot_invite
            await shoot_invite(srv.url, trainer, OUT)
        finally:
            srv.stop()
    # The Visitors list and the Openers screen: a shop crowd and opener figures of their own.
    from scripts.visitor_shots import main as shoot_visitors
    await shoot_visitors()
    # The report: a staffed day of its own.
    from scripts.report_shot import main as shoot_report
    await shoot_report()


if __name__ == "__main__":
    asyncio.run(main())
