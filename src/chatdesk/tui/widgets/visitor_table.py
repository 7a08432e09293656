"""The visitors on the site as a virtual Line-API list with a cursor: only the rows on screen are
drawn, so 2,000 visitors cost what 30 do (a DataTable rebuilds every row on every change). The
seconds on the page and on the site are computed when a line is drawn (`BrowsingList`), so a
once-a-second repaint keeps them moving without rebuilding anything. The cursor stays on the
same visitor when the rows are sorted, filtered or updated by a frame.

Every value is the visitor's text, cleaned by the client, drawn as plain segments (never markup)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from chatdesk.tui.format import fit, fmt_wait
from chatdesk.tui.keymap import VISITOR_TABLE_BINDINGS

CURSOR_MARK = "▌"
# (header, width); the page takes what the others leave
COLUMNS: list[tuple[str, int]] = [("Visitor", 16), ("Page", 0), ("Page t", 6), ("Site t", 6), ("#", 3),
                                  ("From", 12), ("Cart", 10), ("State", 8)]
MIN_PAGE = 10
STATE_ROLE = {"chatting": "visitors--active", "queued": "visitors--active", "invited": "visitors--invited"}


def source(v: Any) -> str:
    """Where the visit came from: utm source/campaign, else the referrer's host, else direct."""
    c = v.campaign
    if c.campaign or c.source:
        return "/".join(p for p in (c.source, c.campaign) if p)
    return v.referrer.split("//", 1)[-1].split("/", 1)[0] if v.referrer else "direct"


def label(v: Any) -> str:
    return v.name or f"Visitor {v.id[:6]}"


def cart_text(v: Any) -> str:
    return f"{v.cart.value:.0f} {v.cart.currency}".strip() if v.cart is not None else "—"


# below NARROW cells the name, the source and the cart give the page some room
NARROW, NARROW_WIDTHS = 100, {"Visitor": 14, "From": 10, "Cart": 8}


def widths(total: int) -> list[int]:
    """Column widths for a line `total` cells wide (one space between columns)."""
    chosen = [NARROW_WIDTHS.get(h, w) if total < NARROW else w for h, w in COLUMNS]
    fixed = sum(chosen) + len(chosen) - 1
    return [w or max(MIN_PAGE, total - fixed - 1) for w in chosen]


def pad(text: str, width: int) -> str:
    """Exactly `width` cells: cut with an ellipsis, or filled with spaces."""
    shown = fit(text, width)
    return shown + " " * max(0, width - cell_len(shown))


def header_text(total: int) -> str:
    return " " + " ".join(pad(h, w) for (h, _), w in zip(COLUMNS, widths(total), strict=True))


class VisitorTable(ScrollView, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [*VISITOR_TABLE_BINDINGS]
    COMPONENT_CLASSES = {"visitors--cursor", "visitors--active", "visitors--invited", "visitors--dim",
                         "visitors--empty", "visitors--odd"}
    DEFAULT_CSS = """
    VisitorTable { scrollbar-gutter: stable; overflow-x: hidden; scrollbar-size-vertical: 1; }
    VisitorTable > .visitors--cursor { background: $boost; }
    VisitorTable:focus > .visitors--cursor { background: $primary 30%; }
    VisitorTable > .visitors--active { text-style: bold; }
    VisitorTable > .visitors--invited { text-style: italic; color: $accent; }
    VisitorTable > .visitors--dim { color: $text-muted; }
    VisitorTable > .visitors--odd { background: $surface-lighten-1 30%; }
    VisitorTable > .visitors--empty { color: $text-muted; text-style: italic; }
    """

    cursor = reactive(0, always_update=True)

    def __init__(self, browsing: Any, **kwargs: Any) -> None:
        """`browsing`: the store's BrowsingList (for the seconds that keep moving)."""
        super().__init__(**kwargs)
        self.browsing = browsing
        self.rows: list[Any] = []
        self.empty_text = "Loading…"
        self._styles: dict[tuple[Any, ...], Style] = {}
        self._fixed_cells: dict[tuple[int, int], tuple[Any, tuple[str, ...]]] = {}

    def set_rows(self, rows: Sequence[Any]) -> None:
        """New rows (sorted, filtered); the cursor follows the visitor it was on. When the rows on
        screen are the same objects in the same place (a frame changed only rows out of sight),
        nothing is repainted: the once-a-second tick moves the clocks."""
        current, cursor, top = self.selected, self.cursor, self.scroll_offset.y
        shown = self.rows[top:top + self.size.height]
        self.rows = list(rows)
        index = -1
        if current is not None:
            index = next((i for i, v in enumerate(self.rows) if v.id == current.id), -1)
        self.virtual_size = Size(0, max(1, len(self.rows)))
        self.set_reactive(VisitorTable.cursor, index if index >= 0 else min(self.cursor, max(0, len(self.rows) - 1)))
        self._scroll_cursor()
        after = self.rows[top:top + self.size.height]
        same = (self.cursor == cursor and self.scroll_offset.y == top and len(after) == len(shown)
                and all(a is b for a, b in zip(after, shown, strict=True)))
        if not same or not self.rows:
            self.refresh()

    @property
    def selected(self) -> Any:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    # --- keys ----------------------------------------------------------------------------------
    def _move(self, to: int) -> None:
        self.cursor = max(0, min(len(self.rows) - 1, to))

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_page_up(self) -> None:
        self._move(self.cursor - max(1, self.size.height - 1))

    def action_page_down(self) -> None:
        self._move(self.cursor + max(1, self.size.height - 1))

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(len(self.rows) - 1)

    def watch_cursor(self, old: int, new: int) -> None:
        top = self.scroll_offset.y
        self._scroll_cursor()
        if self.scroll_offset.y == top:      # only the two rows changed: repaint those
            width = self.size.width
            self.refresh(Region(0, old - top, width, 1), Region(0, new - top, width, 1))
        else:
            self.refresh()

    def _scroll_cursor(self) -> None:
        if self.rows:
            self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, force=True, immediate=True)

    def on_click(self, event: Any) -> None:
        index = int(event.y + self.scroll_offset.y)
        if 0 <= index < len(self.rows):
            self.cursor = index

    # --- drawing -------------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, roles: tuple[str, ...]) -> Style:
        """The base style plus these component classes', cached (a widget's rich_style walks its
        ancestors: too dear for every line of every frame)."""
        key = (self.has_focus, *roles)
        found = self._styles.get(key)
        if found is None:
            found = self.rich_style
            for role in roles:
                found = found + self.get_component_rich_style(role)
            self._styles[key] = found
        return found

    def _fixed(self, v: Any, width: int) -> tuple[str, ...]:
        """The cells that only a new row changes: label + page, visits, the rest (cached)."""
        key = (id(v), width)
        found = self._fixed_cells.get(key)
        if found is None or found[0] is not v:
            w = widths(width)
            found = (v, (pad(label(v), w[0]), pad(v.current_title or v.current_url, w[1]), pad(str(v.visit_count), w[4]),
                         pad(source(v), w[5]), pad(cart_text(v), w[6]), pad(v.state, w[7])))
            if len(self._fixed_cells) > 20_000:
                self._fixed_cells.clear()
            self._fixed_cells[key] = found
        return found[1]

    def cells(self, v: Any, width: int) -> list[str]:
        name, page, visits, src, cart, state = self._fixed(v, width)
        b, w = self.browsing, widths(width)
        return [name, page, pad(fmt_wait(b.page_seconds(v)), w[2]), pad(fmt_wait(b.time_on_site(v)), w[3]),
                visits, src, cart, state]

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if not self.rows:
            base = self._style(())
            if y == 0:
                style = self._style(("visitors--empty",))
                return Strip([Segment(f" {self.empty_text}", style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, self._style(()))
        v = self.rows[index]
        line: tuple[str, ...] = (("visitors--odd",) if index % 2 else ()) + (
            ("visitors--cursor",) if index == self.cursor else ())
        line_style = self._style(line)
        state_role = STATE_ROLE.get(v.state)
        # a role first, then the line's own background (a component style carries a background too)
        strong = self._style((state_role, *line)) if state_role else line_style
        dim = self._style(("visitors--dim", *line))
        cells = self.cells(v, width)
        # The cursor shows without colour too (NO_COLOR, monochrome terminals): a bar at its start.
        segments = [Segment(CURSOR_MARK if index == self.cursor else " ", line_style)]
        for i, text in enumerate(cells):
            style = strong if i in (0, 7) else dim if i in (2, 3, 5) else line_style
            segments.append(Segment(text + " " if i < 7 else text, style))
        return Strip(segments).crop_extend(0, width, line_style)
