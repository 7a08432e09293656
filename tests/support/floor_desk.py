"""The desk on the reproducible floor (support/floor.py): shared by snapshot tests and the
screenshot script."""
from __future__ import annotations

import os
import time
from pathlib import Path

from chatdesk.tui.app import DeskApp
from chatdesk.tui.settings import DeskSettings
from chatdesk.tui.theme_loader import SHIPPED_DIR
from tests.support import floor
from tests.support.live_server import LiveServer
from tests.support.waiting import wait_for


def start_floor(workdir: Path) -> tuple[LiveServer, str, float]:
    """A server holding the floor, its operator's token, and the desk's 'now'."""
    os.environ["TZ"] = "UTC"          # message times are shown in local time
    time.tzset()
    db = workdir / "floor.db"
    srv = LiveServer(db, extra_args=["--visit-gap", "0.5"]).start()
    token = floor.build(srv)
    srv.stop()
    now = floor.normalise_times(db)
    srv.extra_args = []
    srv.start()
    return srv, token, now


def floor_desk(srv: LiveServer, token: str, now: float, state_dir: Path, theme: str = "chatdesk-dark") -> DeskApp:
    return DeskApp(url=srv.url, token=token, state_dir=state_dir, keymap={}, theme_dirs=[SHIPPED_DIR],
                   settings=DeskSettings(bell=False, cursor_blink=False, theme=theme, alert_every=0),
                   clock=lambda: now)


async def until_floor_shown(pilot, timeout: float = 20.0) -> None:
    """Wait for three tabs and three waiting visitors, then clear start-up toasts."""
    app = pilot.app

    def shown() -> bool:
        desk = getattr(app, "desk", None)
        return desk is not None and len(desk.tab_order) == 3 and len(desk.store.queue) == 3 \
            and all(desk.store.conversations[c].messages for c in desk.tab_order)
    await wait_for(shown, "the floor: three chats and three waiting visitors", timeout=timeout, pilot=pilot,
                   interval=0.05)
    await pilot.pause(0.2)
    app.clear_notifications()
    await pilot.pause()
