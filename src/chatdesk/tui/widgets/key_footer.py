"""The footer of key hints: Textual's Footer, recomposed at most once per refresh.

Textual's Footer rebuilds itself (a widget per key, with CSS applied to each) every time the
screen's bindings change, and several changes in one refresh each schedule their own rebuild,
which opening the desk does several times over. Here the changes of one refresh share one
rebuild.
"""
from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    _rebuild_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()
