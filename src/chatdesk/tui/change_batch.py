"""Store changes batched for a screen: at most one delivery per frame, at once for an urgent one.

A message in the chat on screen is urgent (delivered on the next loop turn); everything else waits
until a frame has passed since the last delivery, so a burst of events costs one repaint."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.constants import MAX_FPS

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.timer import Timer

    from chatdesk.client.view import Change

FRAME = 1 / MAX_FPS   # Textual's frame (TEXTUAL_FPS, see chatdesk.tui.frame_rate)


class ChangeBatch:
    def __init__(self, owner: DOMNode, deliver: Callable[[set[Change]], None],
                 urgent: Callable[[Change], bool]) -> None:
        self._owner, self._deliver, self._urgent = owner, deliver, urgent
        self._dirty: set[Change] = set()
        self._timer: Timer | None = None
        self._timer_urgent = False
        self._last = 0.0

    def add(self, change: Change) -> None:
        self._dirty.add(change)
        urgent = self._urgent(change)
        if self._timer is not None and urgent and not self._timer_urgent:
            self._timer.stop()
            self._timer = None
        if self._timer is None:
            self._timer_urgent = urgent
            wait = 0.001 if urgent else max(0.001, self._last + FRAME - time.monotonic())
            self._timer = self._owner.set_timer(wait, self._flush)    # Textual timers need > 0

    def _flush(self) -> None:
        self._timer = None
        self._last = time.monotonic()
        changes, self._dirty = self._dirty, set()
        self._deliver(changes)
