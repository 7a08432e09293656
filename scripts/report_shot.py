"""The screenshot of the report (F12, or p on the board) from the real desk against the real
server: a supervisor asks for one staffed day (tests/support/report_day.py: four operators, chats
from 08:00 to 18:00, some missed, rated or followed by an order) and reads it by operator and by
hour, with what each hour sold.

    uv run python scripts/report_shot.py       (scripts/screenshots.py runs it too)
"""
from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.desk import make_desk, on_board  # noqa: E402
from tests.support.live_server import LiveServer  # noqa: E402
from tests.support.report_day import day_start, day_text, staff_a_day  # noqa: E402
from tests.support.waiting import wait_for  # noqa: E402

OUT = ROOT / "screenshots"


async def main() -> None:
    from textual.widgets import DataTable, Input

    from chatdesk.tui.screens.report import ReportScreen
    os.environ["TZ"] = "UTC"          # the server's hours and the desk's dates: the same every run
    time.tzset()
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        srv = LiveServer(work / "report.db").start()
        try:
            token = await staff_a_day(srv)
            app = make_desk(srv, token, work, cursor_blink=False)
            async with app.run_test(size=(120, 34)) as pilot:
                await on_board(pilot, app)
                await pilot.press("p")
                report = await wait_for(lambda: isinstance(app.screen, ReportScreen) and app.screen.summary
                                        and app.screen, "the report", pilot=pilot)
                for field in ("#report-since", "#report-until"):
                    report.query_one(field, Input).value = day_text()
                report.query_one("#report-until", Input).focus()
                await pilot.press("enter")
                await wait_for(lambda: report.summary.since == day_start(), "the day's report", pilot=pilot)
                report.query_one(DataTable).focus()
                await pilot.pause(0.3)
                app.clear_notifications()
                (OUT / "report.svg").write_text(app.export_screenshot(title="chatdesk — report"))
                print("wrote screenshots/report.svg")
        finally:
            srv.stop()


if __name__ == "__main__":
    asyncio.run(main())
