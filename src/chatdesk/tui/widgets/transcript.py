"""A conversation transcript as a virtual Line-API view.

Messages are laid out into plain-text lines once per width (a fast greedy wrap, no markup
parsing anywhere), and only the visible lines are turned into strips when Textual asks for
them, so a 10,000-message conversation opens quickly. The view follows new messages only while
the operator is at the bottom; scrolled up, it counts what arrived below instead.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from textual.geometry import Size
from textual.message import Message as TextualMessage
from textual.scroll_view import ScrollView
from textual.strip import Strip

from chatdesk.tui.format import fmt_clock

Span = tuple[str, str]            # (plain text, component class)
Line = tuple[Span, ...]
GROUP_GAP = 300.0                 # a new header after five quiet minutes even from the same author
OLDER_HINT = "  ↑ older messages: scroll up (PageUp) to load them"
STATE_MARK = {"pending": " ○ sending…", "sent": " ✓", "failed": " ✗ not sent"}


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap by terminal cells; words longer than a line are cut."""
    width = max(1, width)
    out: list[str] = []
    for para in text.replace("\t", "    ").split("\n"):
        # printable ASCII (most text): one cell per character, so len() is the width and
        # cell_len, the costly part of laying out a long transcript, is not needed
        ascii_only = para.isascii() and para.isprintable()
        measure = len if ascii_only else cell_len
        if measure(para) <= width:
            out.append(para)
            continue
        line, line_len = "", 0
        for word in para.split(" "):
            wlen = measure(word)
            if line and line_len + 1 + wlen <= width:
                line, line_len = f"{line} {word}", line_len + 1 + wlen
                continue
            if line or line_len:
                out.append(line)
            while wlen > width:
                head = word[:width] if ascii_only else chop_cells(word, width)[0]
                out.append(head)
                word = word[len(head):]
                wlen = measure(word)
            line, line_len = word, wlen
        out.append(line)
    return out


def _key(item: Any) -> tuple:
    return ("a", item.id, item.state) if getattr(item, "created_at", None) is not None else ("m", item.id)


def _merge_held(messages: Sequence[Any], approvals: Sequence[Any]) -> list[Any]:
    """Messages in seq order with a novice's messages where they were written: held approvals
    (pending, rejected: they never became a message) and approved ones' messages by the time the
    novice wrote them, not by when the trainer approved them."""
    written = {a.message_id: a.created_at for a in approvals if a.state == "approved" and a.message_id}
    placed: list[tuple[float, Any]] = [(a.created_at, a) for a in approvals if a.state != "approved"]
    flow: list[Any] = []
    for m in messages:
        at = written.get(m.id) if getattr(m, "created_at", None) is None else None
        if at is not None:
            placed.append((at, m))
        else:
            flow.append(m)
    placed.sort(key=lambda p: p[0])
    out: list[Any] = []
    i = 0
    for m in flow:
        while i < len(placed) and placed[i][0] < m.ts:
            out.append(placed[i][1])
            i += 1
        out.append(m)
    out.extend(p[1] for p in placed[i:])
    return out


class Transcript(ScrollView, can_focus=True):
    """Renders one conversation: committed messages, then the operator's outgoing ones."""

    COMPONENT_CLASSES = {
        "transcript--visitor", "transcript--operator", "transcript--me", "transcript--time",
        "transcript--body", "transcript--note", "transcript--system", "transcript--pending",
        "transcript--failed", "transcript--whisper", "transcript--held", "transcript--approved",
        "transcript--handoff",
    }
    DEFAULT_CSS = """
    Transcript { background: $surface; scrollbar-gutter: stable; overflow-x: hidden; scrollbar-size-vertical: 1; }
    Transcript > .transcript--visitor { color: $accent; text-style: bold; }
    Transcript > .transcript--operator { color: $secondary; text-style: bold; }
    Transcript > .transcript--me { color: $primary; text-style: bold; }
    Transcript > .transcript--time { color: $text-muted; }
    Transcript > .transcript--body { color: $text; }
    Transcript > .transcript--note { color: $warning; text-style: italic; }
    Transcript > .transcript--system { color: $text-muted; text-style: italic; }
    Transcript > .transcript--pending { color: $text-muted; }
    Transcript > .transcript--failed { color: $error; text-style: bold; }
    Transcript > .transcript--whisper { color: $accent; background: $accent 12%; text-style: italic; }
    Transcript > .transcript--held { color: $warning; text-style: bold; }
    Transcript > .transcript--approved { color: $success; }
    Transcript > .transcript--handoff { color: $secondary; text-style: bold; }
    """

    class UnseenChanged(TextualMessage):
        """Messages arrived below while the operator reads further up (0: caught up)."""

        def __init__(self, conversation_id: int, count: int) -> None:
            super().__init__()
            self.conversation_id, self.count = conversation_id, count

    class OlderWanted(TextualMessage):
        """The operator reached the top of a transcript whose older messages are not loaded yet."""

        def __init__(self, conversation_id: int) -> None:
            super().__init__()
            self.conversation_id = conversation_id

    def __init__(self, conversation_id: int, my_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.conversation_id = conversation_id
        self.my_id = my_id
        self._messages: list[Any] = []
        self._pending: list[Any] = []
        self._lines: list[Line] = []        # committed messages, laid out at _width
        self._pending_lines: list[Line] = []
        self._width = 0
        self._last_head: tuple | None = None  # (author key, ts) of the last committed message
        self.follow = True                  # stick to the bottom while True
        self.unseen = 0
        self._approval_states: tuple = ()    # (id, state) of the approvals last laid out
        self._approval_by_cmid: dict[str, Any] = {}
        self.has_older = False               # the server holds older messages than the first here

    # --- data in -------------------------------------------------------------------------------
    def set_messages(self, messages: Sequence[Any], pending: Sequence[Any] = (),
                     approvals: Sequence[Any] = (), has_older: bool = False) -> None:
        """Show these messages (seq order), a novice's held messages (`approvals`: pending and
        rejected ones inline by time, approved ones as a mark on their message, each where the
        novice wrote it) and outgoing
        items; `has_older`: a first line says older messages come on scrolling up. Appends are
        laid out incrementally; older messages put in front keep what the operator reads in place."""
        states = tuple((a.id, a.state) for a in approvals)
        relayout = states != self._approval_states or has_older != self.has_older
        self.has_older = has_older
        lines_before = len(self._lines)
        prepended = bool(self._messages and messages) and _key(messages[-1]) == _key(self._messages[-1]) \
            and _key(messages[0]) != _key(self._messages[0])
        if relayout:
            self._approval_states = states
            self._approval_by_cmid = {a.client_msg_id: a for a in approvals}
        if approvals:
            messages = _merge_held(messages, approvals)
        old = self._messages
        appended = not relayout and (len(messages) >= len(old) and (not old or (
            _key(messages[len(old) - 1]) == _key(old[-1]))))
        added = len(messages) - len(old) if appended else max(0, len(messages) - len(old))
        self._messages = list(messages)
        self._pending = list(pending)
        if self._width <= 0:
            return
        if appended:
            self._layout_messages(self._messages[len(old):])
        else:
            self._relayout()
        self._pending_lines = self._layout_pending()
        if prepended and not self.follow:
            # older history came in above: scroll by as many lines so the view does not jump
            self._update_size()
            self.scroll_to(y=self.scroll_y + len(self._lines) - lines_before, animate=False, immediate=True)
            return
        self._update_size(new_count=max(0, added))

    @property
    def line_count(self) -> int:
        return len(self._lines) + len(self._pending_lines)

    def plain_lines(self) -> list[str]:
        """The laid-out text (for tests and copy)."""
        return ["".join(t for t, _ in line) for line in (*self._lines, *self._pending_lines)]

    # --- layout --------------------------------------------------------------------------------
    def _relayout(self) -> None:
        self._lines = [((OLDER_HINT, "transcript--system"),)] if self.has_older else []
        self._last_head = None
        self._layout_messages(self._messages)
        self._pending_lines = self._layout_pending()

    def _author_key(self, m: Any) -> tuple:
        return (m.author_type, m.author_id, m.kind)

    def _author_label(self, m: Any) -> tuple[str, str]:
        if m.author_type == "visitor":
            return (m.author_name or "Visitor", "transcript--visitor")
        if m.author_id is not None and m.author_id == self.my_id:
            return ("You", "transcript--me")
        return (m.author_name or "Operator", "transcript--operator")

    def _layout_messages(self, messages: Sequence[Any]) -> None:
        width = self._width - 2
        lines = self._lines
        head = self._last_head
        for m in messages:
            if getattr(m, "created_at", None) is not None:      # a held message (Approval)
                self._layout_held(m, width)
                head = None
                continue
            key = self._author_key(m)
            if m.kind == "handoff":
                lines.append(((" ⇄ hand-off", "transcript--handoff"), (f"  {fmt_clock(m.ts)}", "transcript--time"),
                              ("  the visitor never sees it", "transcript--time")))
                for part in wrap(m.body, width - 2):
                    lines.append(((f"    {part}", "transcript--handoff"),))
                head = None
                continue
            if m.kind == "system" or m.author_type == "system":
                for part in wrap(m.body, width - 2):
                    lines.append(((f"  · {part}", "transcript--system"),))
                head = None
                continue
            if head is None or head[0] != key or m.ts - head[1] > GROUP_GAP:
                name, role = self._author_label(m)
                if m.kind == "whisper":
                    who = "your whisper to the operator" if role == "transcript--me" else f"whisper from {name}"
                    lines.append(((f" ✉ {who}", "transcript--whisper"),
                                  ("  the visitor never sees it", "transcript--time"),
                                  (f"  {fmt_clock(m.ts)}", "transcript--time")))
                elif m.kind == "note":
                    lines.append(((f" ✎ internal note · {name}", "transcript--note"),
                                  (f"  {fmt_clock(m.ts)}", "transcript--time")))
                else:
                    lines.append(((f" {name}", role), (f"  {fmt_clock(m.ts)}", "transcript--time")))
            head = (key, m.ts)
            role = {"note": "transcript--note", "whisper": "transcript--whisper"}.get(m.kind, "transcript--body")
            parts = wrap(m.body, width)
            approval = self._approval_by_cmid.get(m.client_msg_id) if m.client_msg_id else None
            for j, part in enumerate(parts):
                spans: list[Span] = [(f"  {part}", role)]
                if approval is not None and j == len(parts) - 1:
                    edited = approval.final_body is not None and approval.final_body != approval.body
                    by = f" by {approval.resolver_name}" if approval.resolver_name else ""
                    at = f" at {fmt_clock(approval.resolved_at)}" if approval.resolved_at else ""
                    spans.append((f"  ✓ approved{by}{at}{' (edited)' if edited else ''}", "transcript--approved"))
                lines.append(tuple(spans))
        self._last_head = head

    def _layout_held(self, a: Any, width: int) -> None:
        """A novice's message a trainer has not approved: awaiting approval, or rejected."""
        lines = self._lines
        name = "You" if a.author_id == self.my_id else (a.author_name or "Operator")
        if a.state == "rejected":
            label, role = "✗ rejected — the visitor never got it", "transcript--failed"
        else:
            label, role = "◔ awaiting approval — not sent yet", "transcript--held"
        lines.append(((f" {name}", "transcript--me" if name == "You" else "transcript--operator"),
                      (f"  {fmt_clock(a.created_at)}  ", "transcript--time"), (label, role)))
        for part in wrap(a.body, width):
            lines.append(((f"  {part}", "transcript--pending"),))
        if a.state == "rejected" and a.note:
            by = a.resolver_name or "the trainer"
            for part in wrap(f"{by}: {a.note}", width - 2):
                lines.append(((f"    {part}", "transcript--failed"),))

    def _layout_pending(self) -> list[Line]:
        width = self._width - 2
        lines: list[Line] = []
        for i, item in enumerate(self._pending):
            if i == 0 and (self._last_head is None or self._last_head[0][:2] != ("operator", self.my_id)):
                lines.append(((" You", "transcript--me"),))
            kind = getattr(item, "kind", "text")
            role = {"note": "transcript--note", "whisper": "transcript--whisper"}.get(kind, "transcript--pending")
            parts = wrap({"note": "✎ ", "whisper": "✉ "}.get(kind, "") + item.body, width)
            state = getattr(item, "state", "pending")
            for j, part in enumerate(parts):
                spans: list[Span] = [(f"  {part}", role)]
                if j == len(parts) - 1:
                    spans.append((STATE_MARK.get(state, ""),
                                  "transcript--failed" if state == "failed" else "transcript--time"))
                lines.append(tuple(spans))
            if state == "failed":
                why = str(getattr(item, "error", "") or "The server refused it.")
                for part in wrap(f"{why} (ctrl+p: retry or discard failed messages)", width - 2):
                    lines.append(((f"    {part}", "transcript--failed"),))
        return lines

    def _update_size(self, new_count: int = 0) -> None:
        size = Size(self._width, self.line_count)
        if (self.size.height and size.width == self.virtual_size.width and self.show_vertical_scrollbar
                and size.height >= self.virtual_size.height):
            # Only more lines under a scrollbar already shown: our own box keeps its size, so skip
            # the screen-wide layout (and the full repaint after it) that assigning virtual_size
            # asks for, and move the scrollbar ourselves. A scrollbar that must appear or go
            # takes the layout.
            self.set_reactive(Transcript.virtual_size, size)
            bar = self.vertical_scrollbar
            bar.window_virtual_size = size.height
            bar.window_size = self.container_size.height - self.scrollbar_size_horizontal
            self.scroll_y = self.validate_scroll_y(self.scroll_y)
        else:
            self.virtual_size = size
        if self.follow:
            self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
        elif new_count:
            self.unseen += new_count
            self.post_message(self.UnseenChanged(self.conversation_id, self.unseen))
        self.refresh()

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width
        if width != self._width and width > 0:
            self._width = width
            self._relayout()
            self._update_size()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self.size.height:
            self.follow = new >= self.max_scroll_y
            if new < 1 <= old:
                self.want_older()
            if self.follow and self.unseen:
                self.unseen = 0
                self.post_message(self.UnseenChanged(self.conversation_id, 0))

    def want_older(self) -> None:
        if self.has_older:
            self.post_message(self.OlderWanted(self.conversation_id))

    def page_up(self) -> None:
        """PageUp from the reply box; at the top it asks for older messages."""
        if self.scroll_y < 1:
            self.want_older()
        self.scroll_page_up(animate=False)

    # --- rendering -----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        base = self.rich_style
        n = len(self._lines)
        if index >= n + len(self._pending_lines):
            return Strip.blank(width, base)
        line = self._lines[index] if index < n else self._pending_lines[index - n]
        segments = [Segment(text, self.get_component_rich_style(role)) for text, role in line]
        strip = Strip(segments).crop_extend(scroll_x, scroll_x + width, base)
        return strip.apply_offsets(scroll_x, index)
