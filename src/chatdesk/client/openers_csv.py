"""Opener rules and their figures as CSV, one row per rule, for a spreadsheet. Pure: no I/O.

Rule names and texts are staff text and a spreadsheet may run what a cell says: a text cell that
starts with = + - @ or a tab / carriage return would be a formula there, so it is written with a
leading apostrophe (OWASP's advice for CSV injection); numbers are written as numbers. The csv
module quotes commas, quotes and line breaks."""
from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterable, Mapping
from typing import Any

HEADER = ["priority", "rule", "enabled", "control_percent", "url_pattern", "min_page_seconds", "min_visits",
          "opener", "period_from", "period_to", "qualified", "shown_visits", "shown_converted",
          "shown_conversion", "shown_orders", "shown_revenue", "shown_accepted", "shown_dismissed",
          "control_visits", "control_converted", "control_conversion", "control_orders", "control_revenue",
          "uplift_points", "uplift_low", "uplift_high", "verdict"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """A text cell a spreadsheet shows as text."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


def _num(x: float | None, digits: int = 4) -> str:
    return "" if x is None else f"{x:.{digits}f}"


def rules_csv(rules: Iterable[Any], stats: Mapping[int, Any]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    for r in rules:
        s = stats.get(r.id)
        cond = r.conditions
        text = r.texts.get(r.default_language) or next(iter(r.texts.values()), "")
        row: list[str] = [str(r.priority), safe_text(r.name), "yes" if r.enabled else "no", f"{r.control_percent:g}",
                          safe_text(cond.url_pattern or ""),
                          "" if cond.min_page_seconds is None else f"{cond.min_page_seconds:g}",
                          "" if cond.min_visits is None else str(cond.min_visits), safe_text(text)]
        if s is None:
            row += [""] * (len(HEADER) - len(row))
        else:
            t, c, u = s.treatment, s.control, s.uplift
            row += [_when(s.since), _when(s.until), str(s.qualified),
                    str(t.visits), str(t.converted), _num(t.conversion), str(t.orders), f"{t.revenue:.2f}",
                    str(t.accepted), str(t.dismissed),
                    str(c.visits), str(c.converted), _num(c.conversion), str(c.orders), f"{c.revenue:.2f}",
                    _num(u.difference * 100 if u else None, 2), _num(u.low * 100 if u else None, 2),
                    _num(u.high * 100 if u else None, 2), safe_text(s.verdict)]
        w.writerow(row)
    return out.getvalue()
