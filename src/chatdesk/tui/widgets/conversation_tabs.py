"""The strip of conversation tabs: one per active chat, with unread count and an aging mark.

Attributes down: the desk calls `set_tabs(...)` and sets `active`. Messages up: `TabSelected`
when the operator clicks a tab (keys are bound on the desk screen).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from chatdesk.tui.format import fit

# The strip without tabs says how to get one, in the longest form that fits its width.
EMPTY_TEXTS = (" No open chats — accept one from the queue (Enter or ctrl+o)",
               " No open chats: F2 the queue, ctrl+o the oldest",
               " No open chats (ctrl+o)")


@dataclass(frozen=True)
class TabInfo:
    conversation_id: int
    label: str            # the visitor's (already cleaned) name: plain text, never markup
    unread: int = 0
    aging: bool = False   # the visitor has waited >= 40 s for a reply
    typing: bool = False
    watched: bool = False  # a supervisor or trainer is monitoring it


class ConversationTabs(Widget):
    DEFAULT_CSS = """
    ConversationTabs { height: 1; background: $panel; }
    """

    active: reactive[int | None] = reactive(None)

    class TabSelected(Message):
        def __init__(self, conversation_id: int) -> None:
            super().__init__()
            self.conversation_id = conversation_id

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tabs: list[TabInfo] = []
        self._ranges: list[tuple[int, int, int]] = []   # (start x, end x, conversation id)

    def set_tabs(self, tabs: list[TabInfo]) -> None:
        if list(tabs) != self.tabs:        # the desk calls this per batch of events: repaint on change
            self.tabs = list(tabs)
            self.refresh()

    def render(self) -> Content:
        if not self.tabs:
            width = self.size.width or 80
            text = next((t for t in EMPTY_TEXTS if len(t) <= width), EMPTY_TEXTS[-1])
            return Content.styled(text, "$text-muted italic")
        room = max(6, (self.size.width or 80) // max(1, len(self.tabs)) - 4)
        parts: list[Content | tuple[str, str] | str] = []
        self._ranges = []
        x = 0
        for n, tab in enumerate(self.tabs, start=1):
            is_active = tab.conversation_id == self.active
            style = "bold reverse $accent" if is_active else "$foreground"
            bits: list[tuple[str, str]] = [(f" {n}:", "$text-muted" if not is_active else style),
                                           (fit(tab.label, room), style)]
            if tab.typing:
                bits.append(("…", style))
            if tab.unread:
                bits.append((f" {tab.unread}", "bold $warning" if not is_active else style))
            if tab.watched:
                bits.append((" ◉", "bold $warning" if not is_active else style))
            if tab.aging:
                bits.append((" ◷", "bold $error" if not is_active else style))   # a glyph terminal fonts have
            bits.append((" ", style))
            width = sum(len(t) for t, _ in bits)
            self._ranges.append((x, x + width, tab.conversation_id))
            x += width + 1
            parts.extend(bits)
            parts.append(" ")
        return Content.assemble(*parts)

    def on_click(self, event) -> None:
        for start, end, conversation_id in self._ranges:
            if start <= event.x < end:
                self.post_message(self.TabSelected(conversation_id))
                return

    def watch_active(self) -> None:
        self.refresh()
