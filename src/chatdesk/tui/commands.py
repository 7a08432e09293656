"""Command palette (ctrl+p): every desk action by name, plus one entry per queued chat and per
open tab, so the whole desk can be driven by typing what you want."""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from chatdesk.tui.format import visitor_label
from chatdesk.tui.keymap import DESK_BINDINGS, PALETTE_ONLY, STAFF_DESK_BINDINGS

if TYPE_CHECKING:
    from chatdesk.tui.screens.desk import DeskScreen


# More words a staff screen's key is found by in the palette (besides its description and
# tooltip): what the monitor it opens offers.
SEARCH_WORDS = {"board.monitor": "whisper, join, take over, reassign"}


class DeskCommands(Provider):
    def _desk(self) -> DeskScreen | None:
        from chatdesk.tui.screens.desk import DeskScreen
        return self.screen if isinstance(self.screen, DeskScreen) else None

    def _screen_commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """A supervisor / trainer screen: its own keys, by name."""
        from chatdesk.tui.screens.staff_base import StaffScreen
        screen = self.screen
        if not isinstance(screen, StaffScreen):
            return []
        keymap = getattr(self.app, "user_keymap", {})
        out: list[tuple[str, str, Callable[[], Any]]] = []
        seen: set[str] = set()
        self._also: dict[str, str] = {}
        for active in screen.active_bindings.values():
            b = active.binding
            if active.node is screen and b.id and b.id not in seen:
                seen.add(b.id)
                title = b.tooltip or b.description
                words = ", ".join(w for w in (b.description, SEARCH_WORDS.get(b.id, ""))
                                  if w and w.lower() not in title.lower())
                if words:
                    self._also[title] = words
                out.append((title, keymap.get(b.id, b.key), partial(screen.run_action, b.action)))
        return out

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        desk = self._desk()
        if desk is None:
            return self._screen_commands()
        out: list[tuple[str, str, Callable[[], Any]]] = []
        keymap = getattr(self.app, "user_keymap", {})
        for b in [*DESK_BINDINGS, *STAFF_DESK_BINDINGS]:
            if b.id and b.id.startswith("conversation.goto_"):
                continue
            keys = keymap.get(b.id or "", b.key)
            out.append((b.description, f"{keys}", partial(desk.run_action, b.action)))
        for action, title, help_text in PALETTE_ONLY:
            out.append((title, help_text, partial(desk.run_action, action)))
        store = desk.store
        for entry in store.queue_sorted():
            cid = entry.conversation.id
            out.append((f"Accept chat: {visitor_label(entry.visitor)}", "waiting in the queue",
                        partial(desk.accept, cid)))
        for n, cid in enumerate(desk.tab_order, start=1):
            view = store.conversations.get(cid)
            if view is not None:
                out.append((f"Go to chat {n}: {visitor_label(view.visitor)}", f"alt+{n}",
                            partial(desk.switch_to, cid)))
        return out

    # Titles may hold a visitor's name: they go in as Content (never parsed as markup), and the
    # match is highlighted here because Matcher.highlight would parse its argument as markup.
    # Help texts are our own fixed strings (the palette parses those as markup).
    async def discover(self) -> Hits:
        for title, help_text, command in self._commands():
            yield DiscoveryHit(Content(title), command, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        self._also = {}
        for title, help_text, command in self._commands():
            score, offsets = matcher.fuzzy_search.match(query, title)
            if score <= 0 and title in self._also:      # found by the key's name: say it
                title = f"{title} ({self._also[title]})"
                score, offsets = matcher.fuzzy_search.match(query, title)
            if score > 0:
                shown = Content(title)
                for offset in offsets:
                    shown = shown.stylize(matcher.match_style, offset, offset + 1)
                yield Hit(score, shown, command, text=title, help=help_text)
