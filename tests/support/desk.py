"""Drive the real desk (DeskApp + DeskSession) against the real server with Pilot."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from chatdesk.tui.app import DeskApp
from chatdesk.tui.screens.board import BoardScreen
from chatdesk.tui.settings import DeskSettings
from chatdesk.tui.theme_loader import SHIPPED_DIR
from tests.support.waiting import wait_for


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
    await wait_for(lambda: app.desk.store.me is not None and app.desk.store.connection == "live",
                   "desk connected", timeout=30, pilot=pilot)


async def accept_by_keys(pilot, app: DeskApp, cid: int) -> None:
    """F2, the queue cursor down to this chat, Enter (the queue may hold other tests' chats too)."""
    from chatdesk.tui.widgets.queue_panel import QueuePanel
    await wait_for(lambda: cid in app.desk.store.queue, f"chat {cid} in the queue", pilot=pilot)
    await pilot.press("f2")
    panel = app.desk.query_one(QueuePanel)
    while panel.selected_id != cid:
        await pilot.press("down")
    await pilot.press("enter")
    await wait_for(lambda: app.desk.active_id == cid, f"tab {cid} open", pilot=pilot)


def transcript_text(app: DeskApp, cid: int) -> str:
    t = app.desk.transcripts.get(cid)
    return "\n".join(t.plain_lines()) if t is not None else ""


async def on_board(pilot, app: DeskApp) -> BoardScreen:
    """Until a staff desk is live and shows its board (opened at start for staff)."""
    await until_live(pilot, app)
    return await wait_for(lambda: isinstance(app.screen, BoardScreen) and app.desk.store.oversight.board is not None
                          and app.screen, "the board (opened at start for staff)", pilot=pilot)


async def put_cursor(pilot, table: DataTable, row: int) -> None:
    table.focus()
    await pilot.pause()
    while table.cursor_row < row:
        await pilot.press("down")
    while table.cursor_row > row:
        await pilot.press("up")


def operator_row(board: BoardScreen, name: str):
    return next((o for o in board.operator_rows if o.name == name), None)
