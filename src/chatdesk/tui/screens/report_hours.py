"""The report's hours: one line per hour of day that had chats, a bar of chats (missed at its
end) and fixed columns, so the lines line up and fit 80 columns; when any chat in the range led
to an order, three more columns say what the hour sold: the chats that led to an order, that as a
share of the hour's chats, and the orders' value (an order counts for the hour its chat was
queued in)."""
from __future__ import annotations

from typing import Any

from textual.content import Content

from chatdesk.tui.format import secs

BAR = 24
# (header, width), right-aligned after the bar; every figure fits its column.
FIGURES = [("chats", 6), ("miss", 5), ("1st", 6)]
SALES = [("sold", 6), ("conv", 6), ("revenue", 9)]
W = dict(FIGURES + SALES)


def money(value: float) -> str:
    """A revenue in at most eight cells: '420.50', '12345.00', '1234k'."""
    if value < 100_000:
        return f"{value:.2f}"
    if value < 100_000_000:
        return f"{value / 1000:.0f}k"
    return f"{value / 1_000_000:.0f}M"


def share(value: float | None) -> str:
    return f"{round(100 * value)} %" if value is not None else "—"


def hour_chart(hours: list[Any]) -> Content:
    """A header line, then the hours that had chats."""
    shown = [h for h in hours if h.chats]
    if not shown:
        return Content.styled("No chats in this range.", "$text-muted")
    sold = any(h.orders for h in shown)
    columns = FIGURES + (SALES if sold else [])
    busiest = max(h.chats for h in shown)
    head = "hour  " + " " * BAR + "".join(f"{name:>{width}}" for name, width in columns)
    parts: list[Any] = [(head, "$text-muted")]
    for h in shown:
        full = max(1, round(BAR * h.chats / busiest))
        missed = min(full, round(BAR * h.missed / busiest)) if h.missed else 0
        parts += ["\n", (f"{h.hour:02d}:00 ", "$text-muted"), ("█" * (full - missed), "$accent"),
                  ("█" * missed, "$error"), " " * (BAR - full),
                  (f"{h.chats:>{W['chats']}}", "bold"),
                  (f"{h.missed:>{W['miss']}}", "$error" if h.missed else "$text-muted"),
                  f"{secs(h.first_response_median):>{W['1st']}}"]
        if sold:
            parts += [(f"{h.converted:>{W['sold']}}", "bold" if h.converted else "$text-muted"),
                      (f"{share(h.conversion):>{W['conv']}}", "bold $success" if h.converted else "$text-muted"),
                      (f"{money(h.revenue) if h.orders else '—':>{W['revenue']}}", "" if h.orders else "$text-muted")]
    return Content.assemble(*parts)
