"""The reply composer: Enter sends, ctrl+j (or alt+enter) makes a new line, `/` at the start of
an empty reply opens the canned-reply picker.

It also says when the operator is typing, throttled: `TypingChanged(True)` at most once every
few seconds while keys arrive, `TypingChanged(False)` after a quiet spell or when sent.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.message import Message
from textual.timer import Timer
from textual.widgets import TextArea

NEWLINE_KEYS = {"ctrl+j", "alt+enter", "shift+enter", "newline"}
TYPING_EVERY = 3.0    # seconds between "still typing" signals
TYPING_IDLE = 5.0     # seconds of quiet before "stopped typing"


class Composer(TextArea):
    DEFAULT_CSS = """
    Composer { height: auto; min-height: 3; max-height: 8; border: round $primary 50%; }
    Composer:focus { border: round $primary; }
    """

    class Submitted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class PageRequested(Message):
        """PageUp/PageDown in the reply box scroll the transcript above it."""

        def __init__(self, direction: int) -> None:
            super().__init__()
            self.direction = direction

    class CannedRequested(Message):
        """`/` typed at the start of an empty reply."""

    class TypingChanged(Message):
        def __init__(self, is_typing: bool) -> None:
            super().__init__()
            self.is_typing = is_typing

    def __init__(self, clock: Callable[[], float] = time.monotonic, **kwargs: Any) -> None:
        kwargs.setdefault("soft_wrap", True)
        kwargs.setdefault("show_line_numbers", False)
        kwargs.setdefault("tab_behavior", "focus")
        kwargs.setdefault("placeholder", "Reply… Enter sends · ctrl+j new line · / canned replies")
        super().__init__(**kwargs)
        self._clock = clock
        self._typing_sent_at: float | None = None   # None: the other side thinks we are idle
        self._idle_timer: Timer | None = None

    def action_cursor_page_up(self) -> None:
        self.post_message(self.PageRequested(-1))

    def action_cursor_page_down(self) -> None:
        self.post_message(self.PageRequested(1))

    async def _on_key(self, event: events.Key) -> None:
        if self.read_only:
            return
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            if self.text.strip():
                self.post_message(self.Submitted(self.text))
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        if event.character == "/" and not self.text:
            event.stop()
            event.prevent_default()
            self.post_message(self.CannedRequested())
            return
        await super()._on_key(event)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area is not self:
            return
        if not self.text.strip():
            self.stop_typing()
            return
        now = self._clock()
        if self._typing_sent_at is None or now - self._typing_sent_at >= TYPING_EVERY:
            self._typing_sent_at = now
            self.post_message(self.TypingChanged(True))
        if self._idle_timer is not None:
            self._idle_timer.stop()
        self._idle_timer = self.set_timer(TYPING_IDLE, self.stop_typing)

    def stop_typing(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.stop()
            self._idle_timer = None
        if self._typing_sent_at is not None:
            self._typing_sent_at = None
            self.post_message(self.TypingChanged(False))

    def set_draft(self, text: str) -> None:
        """Show another conversation's draft without telling anyone we typed it."""
        self.stop_typing()
        with self.prevent(TextArea.Changed):
            self.load_text(text)
        self.move_cursor(self.document.end)
