"""The queue: waiting visitors, oldest first, as a virtual list with a cursor.

Each entry takes three lines (wait + name + department, current page, first words); when the
server sent only the oldest page of a long queue, a last line says how many more wait. Wait times
are computed when a line is drawn, so a once-a-second refresh keeps them live without
rebuilding anything. Enter asks the desk to accept the entry under the cursor.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from chatdesk.tui.format import age_class, fit, fmt_wait, visitor_label
from chatdesk.tui.keymap import QUEUE_BINDINGS

ROWS = 3


CURSOR_MARK = "▌"


class QueuePanel(ScrollView, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [*QUEUE_BINDINGS]
    COMPONENT_CLASSES = {
        "queue--fresh", "queue--waiting", "queue--late", "queue--name", "queue--dim",
        "queue--cursor", "queue--returning", "queue--empty",
    }
    DEFAULT_CSS = """
    QueuePanel { scrollbar-gutter: stable; overflow-x: hidden; scrollbar-size-vertical: 1; }
    QueuePanel > .queue--fresh { color: $success; text-style: bold; }
    QueuePanel > .queue--waiting { color: $warning; text-style: bold; }
    QueuePanel > .queue--late { color: $error; text-style: bold reverse; }
    QueuePanel > .queue--name { color: $text; text-style: bold; }
    QueuePanel > .queue--dim { color: $text-muted; }
    QueuePanel > .queue--returning { color: $accent; }
    QueuePanel > .queue--cursor { background: $boost; }
    QueuePanel:focus > .queue--cursor { background: $primary 30%; }
    QueuePanel > .queue--empty { color: $text-muted; text-style: italic; }
    """

    cursor = reactive(0, always_update=True)

    class AcceptRequested(Message):
        """Enter on a queued chat: the desk accepts it (network in a worker)."""

        def __init__(self, conversation_id: int) -> None:
            super().__init__()
            self.conversation_id = conversation_id

    def __init__(self, clock: Callable[[], float] = time.time, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.entries: list[Any] = []
        self.more = 0                   # waiting beyond the entries (not sent by the server)

    def set_entries(self, entries: Sequence[Any], more: int = 0) -> None:
        """Replace the list (oldest first); the cursor stays on the same chat when it is still there.
        The same chats in the same order repaint only the rows that changed (a visitor moved to
        another page): the desk calls this for every batch of events. `more`: how many wait
        beyond these."""
        old, self.entries = self.entries, list(entries)
        more_changed, self.more = more != self.more, more
        ids = [e.conversation.id for e in self.entries]
        if ids and ids == [e.conversation.id for e in old] and not more_changed:
            top = self.scroll_offset.y
            for row, (before, now) in enumerate(zip(old, self.entries, strict=True)):
                if before != now:
                    self.refresh(Region(0, row * ROWS - top, self.size.width, ROWS))
            return
        current = old[self.cursor].conversation.id if 0 <= self.cursor < len(old) else None
        self.cursor = ids.index(current) if current in ids else min(self.cursor, max(0, len(ids) - 1))
        self.virtual_size = Size(0, (max(1, len(self.entries)) + (1 if self.more else 0)) * ROWS)
        self.refresh()

    @property
    def selected_id(self) -> int | None:
        if 0 <= self.cursor < len(self.entries):
            return self.entries[self.cursor].conversation.id
        return None

    def wait_of(self, entry: Any) -> float:
        """Seconds this visitor has waited, from the queued time and the desk clock."""
        return max(0.0, self.clock() - entry.conversation.queued_at)

    def longest_wait(self) -> float:
        return max((self.wait_of(e) for e in self.entries), default=0.0)

    # --- keys ----------------------------------------------------------------------------------
    def action_cursor_up(self) -> None:
        self.cursor = max(0, self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.cursor = min(max(0, len(self.entries) - 1), self.cursor + 1)

    def action_accept(self) -> None:
        if self.selected_id is not None:
            self.post_message(self.AcceptRequested(self.selected_id))

    def watch_cursor(self, cursor: int) -> None:
        self.scroll_to_region(Region(0, cursor * ROWS, 1, ROWS), animate=False, force=True)
        self.refresh()

    def on_click(self, event) -> None:
        index = int(event.y + self.scroll_offset.y) // ROWS
        if 0 <= index < len(self.entries):
            self.cursor = index

    # --- rendering -----------------------------------------------------------------------------
    def _spans(self, entry: Any, row: int, width: int) -> list[tuple[str, str]]:
        visitor = entry.visitor
        if row == 0:
            wait = self.wait_of(entry)
            spans = [(f" {fmt_wait(wait):>5} ", f"queue--{age_class(wait)}"), (" ", "")]
            if visitor.returning:
                spans.append((f"↺{visitor.visit_count} ", "queue--returning"))
            # The name first: the department gives way (shortened, or left out below 4 cells).
            name = visitor_label(visitor)
            used = sum(cell_len(t) for t, _ in spans)
            dept_room = min(cell_len(entry.conversation.department or ""), width - used - cell_len(name) - 2)
            dept = fit(entry.conversation.department or "", dept_room) if dept_room >= 4 else ""
            name_room = max(1, width - used - (cell_len(dept) + 1 if dept else 0) - 1)
            spans.append((fit(name, name_room), "queue--name"))
            used = sum(cell_len(t) for t, _ in spans)
            spans.append((" " * max(1, width - used - cell_len(dept) - 1) + dept, "queue--dim"))
            return spans
        if row == 1:
            page = visitor.current_title or visitor.current_url or "(no page yet)"
            return [(fit(f"   {page}", width), "queue--dim")]
        first = entry.first_message.replace("\n", " ")
        return [(fit(f"   “{first}”" if first else "", width), "")]

    def render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        line_no = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self.entries:
            if line_no == 1:
                style = self.get_component_rich_style("queue--empty")
                return Strip([Segment("  Nobody is waiting.", style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        index, row = divmod(line_no, ROWS)
        if index >= len(self.entries):
            if self.more and index == len(self.entries) and row == 1:
                style = self.get_component_rich_style("queue--empty")
                text = fit(f"  {self.more} more waiting (the oldest are shown)", width)
                return Strip([Segment(text, style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        selected = index == self.cursor
        cursor_style = self.get_component_rich_style("queue--cursor") if selected else None
        segments = []
        spans = self._spans(self.entries[index], row, width)
        if selected and spans and spans[0][0][:1] == " ":
            # The cursor shows without colour too (NO_COLOR, monochrome terminals): a bar down its rows.
            spans[0] = (CURSOR_MARK + spans[0][0][1:], spans[0][1])
        for text, role in spans:
            style = self.get_component_rich_style(role) if role else base
            if cursor_style is not None:
                style = style + cursor_style
            segments.append(Segment(text, style))
        fill = base + cursor_style if cursor_style is not None else base
        return Strip(segments).crop_extend(0, width, fill)

