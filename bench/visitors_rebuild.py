"""6b. Why the Visitors list is a Line-API view: the same crowd in Textual's DataTable (rebuilt,
as the list was before it followed frames) and in VisitorTable (sorted and set), each followed by
a frame rendered and written (bench.sink's driver: the work a terminal desk does). In-process, no
server: the rows are BrowsingVisitor models as the store holds them.

    python -m bench.visitors_rebuild [CROWD]"""
from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.common import pct
from bench.sink import SIZE, WATCH, SinkDriver, wait_until

ROUNDS = 5


def crowd_rows(n: int) -> list[Any]:
    from chatdesk.protocol.openers import BrowsingVisitor, Cart
    return [BrowsingVisitor(id=f"v{i:05d}", name=f"Shopper {i}", current_url=f"https://shop.test/p/{i}",
                            current_title=f"Product {i}", page_seconds=i % 300, time_on_site=i, visit_count=i % 5 + 1,
                            cart=Cart(value=i % 250, currency="EUR") if i % 3 == 0 else None) for i in range(n)]


def run(crowd: int) -> dict:
    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    from chatdesk.client.browsing_list import SORTS, BrowsingList
    from chatdesk.tui.widgets.visitor_table import VisitorTable, cart_text, label, source
    listed = BrowsingList(lambda _c: None)
    listed.replace(crowd_rows(crowd), crowd)
    out: dict[str, Any] = {"crowd": crowd}

    class Lists(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(id="datatable")
            yield VisitorTable(listed, id="lines")

    app = Lists()
    app.driver_class = SinkDriver

    async def written_after(action) -> float:
        frames, t = WATCH.frames, time.perf_counter()
        action()
        await wait_until(lambda: WATCH.frames > frames, 30, "a frame")
        return (time.perf_counter() - t) * 1000

    async def scenario(pilot) -> None:
        table = app.query_one(DataTable)
        table.add_columns("Visitor", "Page", "Page t", "Site t", "#", "From", "Cart", "State")
        lines = app.query_one(VisitorTable)
        lines.display = False

        def rebuild(sort: str) -> None:
            table.clear()
            for v in listed.rows(sort):
                table.add_row(Text(label(v)), Text(v.current_title), Text("0:01"), Text("0:02"),
                              Text(str(v.visit_count)), Text(source(v)), Text(cart_text(v)), Text(v.state), key=v.id)
        out["datatable_ms"] = [await written_after(lambda i=i: rebuild(SORTS[i % len(SORTS)])) for i in range(ROUNDS)]
        table.display, lines.display = False, True
        await pilot.pause()
        out["line_api_ms"] = [await written_after(lambda i=i: lines.set_rows(listed.rows(SORTS[i % len(SORTS)])))
                              for i in range(ROUNDS)]
        app.exit()

    asyncio.run(app.run_async(headless=False, size=SIZE, auto_pilot=scenario))
    for name in ("datatable_ms", "line_api_ms"):
        out[name] = {"p50": pct(out[name], 50), "max": max(out[name])}
    return out


if __name__ == "__main__":
    import json
    import sys
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 2000), indent=1))
