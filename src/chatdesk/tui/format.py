"""Small text helpers shared by the desk widgets. Plain strings in, plain strings out."""
from __future__ import annotations

import re
import time
from typing import Any

_DIGIT = re.compile(r"\d")
AGING_AFTER = 40.0   # seconds a visitor may wait for a reply before the tab shows the aging mark


def fmt_wait(seconds: float) -> str:
    """0:07, 2:05, 1h05 — short enough for a queue row."""
    s = max(0, int(seconds))
    if s < 3600:
        return f"{s // 60}:{s % 60:02d}"
    return f"{s // 3600}h{(s % 3600) // 60:02d}"


def fmt_clock(ts: float) -> str:
    return time.strftime("%H:%M", time.localtime(ts))


def visitor_label(visitor) -> str:
    """A visitor's name, or a stable short handle when they did not give one."""
    name = (getattr(visitor, "name", "") or "").strip()
    return name or f"Visitor {str(getattr(visitor, 'id', ''))[:6]}"


def age_class(seconds: float) -> str:
    """Colour band for a wait: fresh (< 30 s), waiting (< 90 s), late."""
    if seconds < 30:
        return "fresh"
    if seconds < 90:
        return "waiting"
    return "late"


def fit(text: str, width: int) -> str:
    """Cut to `width` terminal cells, with an ellipsis when something was cut."""
    from rich.cells import cell_len
    if cell_len(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _shown(content: Any) -> Any:
    """What a str or Content looks like on screen, to compare with what was shown last."""
    return content if isinstance(content, str) else (content.plain, tuple(content.spans))


def update_if_changed(static: Any, content: Any, layout: bool = True) -> bool:
    """Static.update only when the text or its styles changed. Every update with layout reflows
    and repaints the whole screen, which the desk cannot afford per event (see bench/): so when
    only digits changed (a clock ticking: 0:07 -> 0:08) the text keeps its shape and its size,
    and a repaint is enough."""
    key = _shown(content)
    if getattr(static, "_shown_key", None) == key:
        return False
    shape = _DIGIT.sub("0", content if isinstance(content, str) else content.plain)
    if getattr(static, "_shown_shape", None) == shape:
        layout = False
    static._shown_key, static._shown_shape = key, shape
    static.update(content, layout=layout)
    return True


def set_border_text(widget: Any, title: Any = None, subtitle: Any = None) -> None:
    """Set a border title / subtitle only when it changed: Textual repaints the widget on every
    assignment, and the desk sets the reply box's on every batch of events (bench/)."""
    for attr, value in (("border_title", title), ("border_subtitle", subtitle)):
        if value is None:
            continue
        key = _shown(value)
        if getattr(widget, f"_shown_{attr}", None) != key:
            setattr(widget, f"_shown_{attr}", key)
            setattr(widget, attr, value)



def short_url(url: str, width: int) -> str:
    """A URL that fits `width` cells, shortened where it reads best: the whole URL when it fits;
    else without scheme, "www.", query and fragment; else host/…/last-segment; else …/last-segment
    (cut at the end when even that is too long)."""
    from rich.cells import cell_len
    if cell_len(url) <= width:
        return url
    rest = url.split("://", 1)[-1].removeprefix("www.")
    host, _, path = rest.partition("/")
    query = "?" in path or "#" in path
    path = re.split(r"[?#]", path, maxsplit=1)[0].rstrip("/")
    text = host + ("/" + path if path else "") + ("?…" if query else "")
    if cell_len(text) <= width:
        return text
    last = path.rsplit("/", 1)[-1]
    if "/" not in path:
        return fit(f"{host}/{last}" if last else host, width)
    text = f"{host}/…/{last}"
    # In a narrow strip the page (the last segment) says more than the shop's host.
    return text if cell_len(text) <= width else fit(f"…/{last}", width)


def secs(value: float | None) -> str:
    """Seconds in at most five cells, so a column never wraps: '42s', '3m05', '1h02', '52h'; '—'
    when there is no figure."""
    if value is None:
        return "—"
    s = int(round(value))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}"
    if s < 36000:
        return f"{s // 3600}h{(s % 3600) // 60:02d}"
    return f"{s // 3600}h"
