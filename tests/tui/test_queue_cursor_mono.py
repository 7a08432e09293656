"""The queue's cursor is visible without colour (NO_COLOR, a monochrome terminal): a bar down the
selected entry's rows, in the text itself, that follows the cursor."""
from __future__ import annotations

from chatdesk.tui.widgets.queue_panel import CURSOR_MARK, ROWS, QueuePanel
from tests.support.harness import NOW, Harness, queue_entry, screen_text


def marked_rows(app) -> list[int]:
    return [n for n, line in enumerate(screen_text(app).splitlines()) if line.startswith(CURSOR_MARK)]


async def test_the_queue_cursor_shows_as_text_and_follows(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    panel = QueuePanel(clock=lambda: NOW)
    app = Harness(panel)
    async with app.run_test(size=(40, 20)) as pilot:
        panel.set_entries([queue_entry(5, 125, "Old"), queue_entry(6, 10, "New")])
        await pilot.pause()
        assert marked_rows(app) == list(range(ROWS))
        await pilot.press("down")
        await pilot.pause()
        assert marked_rows(app) == list(range(ROWS, 2 * ROWS))
        assert "Old" in screen_text(app) and "New" in screen_text(app)
