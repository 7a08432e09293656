"""Run the real desk in-process with a driver that behaves like a terminal (the app renders every
frame to escape sequences exactly as it would for a tty: `App._display` skips that work for a
headless driver) and hands each written frame to a watcher instead of a file descriptor.

`FrameWatch.expect(needle, t0)` records the time from t0 to the first written frame for which a
transcript or composer line containing `needle` was rendered: "on screen" as far as the app can know."""
from __future__ import annotations

import os
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.drivers.headless_driver import HeadlessDriver

SIZE = (120, 34)


class FrameWatch:
    """Widgets' render_line output is checked for needles and patterns (Textual writes only the
    cells that changed, so the escape stream itself cannot be searched); a line rendered for a
    frame counts as on screen when that frame is written."""

    def __init__(self) -> None:
        self.frames = 0
        self.bytes = 0
        self.pending: dict[str, float] = {}            # needle -> t0 (perf_counter)
        self.rendered: dict[str, float] = {}           # needle rendered, frame not yet written
        self.seen: dict[str, float] = {}               # needle -> seconds until on screen
        self.patterns: list[tuple[re.Pattern, Callable[[re.Match, float], None]]] = []
        self._matched: list[tuple[Callable, re.Match]] = []

    def expect(self, needle: str, t0: float) -> None:
        self.pending[needle] = t0

    def shown(self, needle: str) -> Callable[[], bool]:
        """A condition for wait_until: `needle` has been on screen."""
        return lambda: needle in self.seen

    def on_pattern(self, pattern: str, callback: Callable[[re.Match, float], None]) -> None:
        """callback(match, wall clock at the write) for every rendered line that matches."""
        self.patterns.append((re.compile(pattern), callback))

    def line_rendered(self, text: str) -> None:
        if self.pending:
            for needle in [n for n in self.pending if n in text]:
                self.rendered[needle] = self.pending.pop(needle)
        for pattern, callback in self.patterns:
            for m in pattern.finditer(text):
                self._matched.append((callback, m))

    def written(self, data: str) -> None:
        now, wall = time.perf_counter(), time.time()
        self.frames += 1
        self.bytes += len(data)
        if self.rendered:
            for needle, t0 in self.rendered.items():
                self.seen[needle] = now - t0
            self.rendered.clear()
        if self._matched:
            matched, self._matched = self._matched, []
            for callback, m in matched:
                callback(m, wall)


def watch_lines(widget_class: type[Any]) -> None:
    """Pass every line this widget class renders to WATCH."""
    original = widget_class.render_line

    def render_line(self, y: int):
        strip = original(self, y)
        WATCH.line_rendered(strip.text)
        return strip
    setattr(widget_class, "render_line", render_line)     # noqa: B010 (a patch mypy would refuse)


WATCH = FrameWatch()


class SinkDriver(HeadlessDriver):
    """Not headless as far as the app is concerned, so every frame is rendered and written."""

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        WATCH.written(data)

    def flush(self) -> None:
        pass


def make_desk(url: str, token: str, state_dir: Path) -> Any:
    """The real DeskApp (real DeskSession), drawing into the sink."""
    from chatdesk.tui.app import DeskApp
    from chatdesk.tui.settings import DeskSettings
    from chatdesk.tui.theme_loader import SHIPPED_DIR
    from chatdesk.tui.widgets.composer import Composer
    from chatdesk.tui.widgets.transcript import Transcript
    if not getattr(Transcript, "_bench_watched", False):
        watch_lines(Transcript)
        watch_lines(Composer)
        setattr(Transcript, "_bench_watched", True)           # noqa: B010 (a mark of the patch above)
    app = DeskApp(url=url, token=token, state_dir=state_dir, keymap={}, theme_dirs=[SHIPPED_DIR],
                  settings=DeskSettings(bell=False), tune_gc=True)     # as the `chatdesk` command runs
    app.driver_class = SinkDriver
    return app


async def wait_until(cond: Callable[[], bool], timeout: float, what: str, step: float = 0.005) -> None:
    import asyncio
    deadline = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(step)


def trace_layouts() -> Counter[str]:
    """Count which widget classes ask for a layout (each one costs a reflow and a full repaint)."""
    from textual.widget import Widget
    counts: Counter[str] = Counter()
    original = Widget.refresh

    def refresh(self, *regions, repaint: bool = True, layout: bool = False, recompose: bool = False):
        if layout or recompose or os.environ.get("BENCH_TRACE") == "all":
            kind = " recompose" if recompose else "" if layout else " repaint"
            counts[f"{type(self).__name__}#{self.id or (self.parent.id if self.parent else None)}{kind}"] += 1
        return original(self, *regions, repaint=repaint, layout=layout, recompose=recompose)
    setattr(Widget, "refresh", refresh)                   # noqa: B010 (a patch mypy would refuse)
    return counts


def trace_renders() -> Counter[str]:
    """Count which widgets Textual renders for the frames it writes (each render is styles,
    segments and strips for that widget's dirty lines)."""
    from textual._styles_cache import StylesCache
    counts: Counter[str] = Counter()
    original = StylesCache.render_widget

    def render_widget(self, widget, crop):
        counts[f"{type(widget).__name__}#{widget.id or (widget.parent.id if widget.parent else None)}"] += 1
        return original(self, widget, crop)
    setattr(StylesCache, "render_widget", render_widget)  # noqa: B010 (a patch mypy would refuse)
    return counts


def run_desk(app: Any, scenario: Callable[..., Any]) -> None:
    """Run the desk with its scripted pilot; with BENCH_PROFILE=path, under cProfile (hot spots)."""
    import asyncio

    profile_to = os.environ.get("BENCH_PROFILE")
    if not profile_to:
        asyncio.run(app.run_async(headless=False, size=SIZE, auto_pilot=scenario))
        return
    import cProfile
    cProfile.runctx("asyncio.run(app.run_async(headless=False, size=SIZE, auto_pilot=scenario))",
                    {"asyncio": asyncio, "SIZE": SIZE}, {"app": app, "scenario": scenario}, profile_to)
