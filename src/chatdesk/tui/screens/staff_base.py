"""What every supervisor / trainer screen shares: the session, a worker for REST calls that turns
a refusal into a notification with the server's sentence, a store subscription that is dropped
when the screen goes, and Esc to go back."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.screen import Screen

from chatdesk.tui.api_worker import call_api

if TYPE_CHECKING:
    from chatdesk.client.session import DeskSession
    from chatdesk.client.store import DeskStore
    from chatdesk.client.view import Change


class StaffScreen(Screen[None]):
    # subclasses add their own BINDINGS (keymap.py); Textual merges these in
    BINDINGS = [Binding("f1", "help", "Help", id="desk.help", tooltip="List every key")]

    def __init__(self, session: DeskSession, clock: Callable[[], float], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.clock = clock
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def store(self) -> DeskStore:
        return self.session.store

    def follow_store(self, callback: Callable[[Change], None]) -> None:
        self._unsubscribe = self.store.subscribe(callback)

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def call_api(self, what: str, call: Callable[[], Any], done: Callable[[Any], None] | None = None,
                 replaces: str | None = None) -> None:
        call_api(self, what, call, done, replaces=replaces)

    def action_help(self) -> None:
        from chatdesk.tui.screens.help import HelpScreen
        self.app.push_screen(HelpScreen(getattr(self.app, "user_keymap", {})))

    def action_close(self) -> None:
        self.dismiss(None)
