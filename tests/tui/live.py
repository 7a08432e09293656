"""Helpers to drive the real desk (DeskApp + DeskSession) against the real server with Pilot."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from chatdesk.tui.app import DeskApp
from chatdesk.tui.settings import DeskSettings
from chatdesk.tui.theme_loader import SHIPPED_DIR


class RecordingDesk(DeskApp):
    """The real app; it also keeps every notification so tests can read the sentences."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notes: list[tuple[str, str]] = []

    def notify(self, message: str, *, title: str = "", severity: str = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        self.notes.append((message, severity))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def errors(self) -> list[str]:
        return [m for m, s in self.notes if s == "error"]


def make_desk(srv, token: str, tmp_path: Path, keymap: dict[str, str] | None = None,
              theme_dirs: list[Path] | None = None, clock: Any = None, **settings: Any) -> RecordingDesk:
    extra = {"clock": clock} if clock is not None else {}
    return RecordingDesk(url=srv.url, token=token, state_dir=tmp_path / "desk-state", keymap=keymap or {},
                         theme_dirs=theme_dirs or [SHIPPED_DIR], settings=DeskSettings(bell=False, **settings),
                         **extra)


async def until_live(pilot, app: DeskApp) -> None:
    """Until the desk knows who it is and its stream is live."""
    from tui.harness import wait_for
    await wait_for(pilot, lambda: app.desk.store.me is not None and app.desk.store.connection == "live",
                   timeout=30, what="desk connected")


async def accept_by_keys(pilot, app: DeskApp, cid: int) -> None:
    """F2, the queue cursor down to this chat, Enter (the queue may hold other tests' chats too)."""
    from chatdesk.tui.widgets.queue_panel import QueuePanel
    from tui.harness import wait_for
    await wait_for(pilot, lambda: cid in app.desk.store.queue, what=f"chat {cid} in the queue")
    await pilot.press("f2")
    panel = app.desk.query_one(QueuePanel)
    while panel.selected_id != cid:
        await pilot.press("down")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.desk.active_id == cid, what=f"tab {cid} open")


def transcript_text(app: DeskApp, cid: int) -> str:
    t = app.desk.transcripts.get(cid)
    return "\n".join(t.plain_lines()) if t is not None else ""


def make_accounts(srv, domain: str, people: dict[str, tuple]) -> dict[str, str]:
    """Tokens of fresh accounts on a shared server, by key: `people` maps key -> (name, role,
    max_chats) with role and max_chats optional. Made in parallel: each goes through the real
    `chatdesk user add` command, which costs over a second."""
    from concurrent.futures import ThreadPoolExecutor

    defaults = ("operator", 4)

    def make(item):
        key, spec = item
        name, role, cap = (*spec, *defaults[len(spec) - 1:])
        return key, srv.operator(f"{key}@{domain}", name, role=role, max_chats=cap)
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(make, people.items()))

