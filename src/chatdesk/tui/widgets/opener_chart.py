"""The Openers screen's charts, in text: per rule a strip with the uplift's 95 % interval on one
axis shared by all rules (zero marked, so a rule whose interval is right of it helps), and for the
rule under the cursor the shown and control conversion as bars plus its interval with figures.
Rule names are staff text, cleaned by the client; they go in as plain Content, never markup."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.content import Content

from chatdesk.tui.format import fit

BAR = 40                    # cells of the detail chart's conversion bars
AXIS = 41                   # cells of the detail chart's interval axis
MIN_SPAN = 0.02             # the axis reaches at least ±2 points


def pct(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.1f}%"


def points(x: float) -> str:
    return f"{100 * x:+.1f}"


def uplift_text(stats: Any) -> str:
    u = stats.uplift if stats is not None else None
    if u is None:
        return stats.verdict if stats is not None and stats.verdict else "not enough data yet"
    return f"{points(u.difference)} pts [{points(u.low)}, {points(u.high)}]"


def span_of(stats: Iterable[Any]) -> float:
    """Half the width of the shared axis: the largest distance of any interval end from zero."""
    ends = [abs(x) for s in stats if s is not None and s.uplift is not None for x in (s.uplift.low, s.uplift.high)]
    return max([MIN_SPAN, *ends])


def _cell(x: float, span: float, width: int) -> int:
    return max(0, min(width - 1, round((x + span) / (2 * span) * (width - 1))))


def interval_strip(stats: Any, span: float, width: int) -> str:
    """`width` cells: · for the axis, │ at zero (┼ inside the interval), ─ over the interval,
    ● at the difference; only dots and zero when there is no interval yet."""
    cells = ["·"] * width
    zero = _cell(0.0, span, width)
    cells[zero] = "│"
    u = stats.uplift if stats is not None else None
    if u is not None:
        lo, hi = _cell(u.low, span, width), _cell(u.high, span, width)
        for i in range(lo, hi + 1):
            cells[i] = "─"
        if lo <= zero <= hi:
            cells[zero] = "┼"           # zero stays visible inside the interval
        cells[_cell(u.difference, span, width)] = "●"
    return "".join(cells)


def strip_text(stats: Any, span: float, width: int) -> Text:
    """The per-rule strip for a table cell: green when the interval is all above zero, red when
    all below, plain when it crosses zero, dim without an interval."""
    u = stats.uplift if stats is not None else None
    style = "dim" if u is None else "green" if u.low > 0 else "red" if u.high < 0 else ""
    return Text(interval_strip(stats, span, width), style=style)


def chart(rule: Any, stats: Any, width: int = 120) -> Content:
    """Two bars on one scale, shown and control conversion, then the uplift's interval on an axis;
    the bars and the axis shrink to keep each line within `width` cells."""
    if stats is None:
        return Content.styled("No figures for this rule yet.", "$text-muted")
    t, c = stats.treatment, stats.control
    bar, axis = max(8, min(BAR, width - 50)), max(9, min(AXIS, width - 40))
    top = max(t.conversion or 0.0, c.conversion or 0.0, 0.01)
    parts: list[Any] = [(fit(rule.name, 40), "bold"), "\n"]
    for label, g, style in (("shown  ", t, "$accent"), ("control", c, "$text-muted")):
        n = round(bar * (g.conversion or 0.0) / top)
        parts += [f"{label} ", ("█" * n, style), " " * (bar - n + 1),
                  f"{pct(g.conversion)} of {g.visits} · {g.orders} orders, {g.revenue:.2f}\n"]
    span = span_of([stats])
    parts += [("uplift  ", "bold"), (interval_strip(stats, span, axis), "$accent" if stats.uplift else "$text-muted"),
              f"  {uplift_text(stats)}\n",
              (f"{'':8}{points(-span)}".ljust(8 + axis - len(points(span))) + points(span) + " pts", "$text-muted"),
              (f"  accepted {t.accepted}, dismissed {t.dismissed}", "$text-muted")]
    return Content.assemble(*parts)
