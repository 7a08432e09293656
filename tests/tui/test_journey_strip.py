"""The journey sidebar in a 30-column strip: URLs shortened where they read best (never folded
mid-word), page titles without the shop's name, wrapped at word boundaries."""
from __future__ import annotations

from chatdesk.protocol.models import PageView, VisitorDetail
from chatdesk.tui.format import short_url
from chatdesk.tui.widgets.journey_sidebar import JourneySidebar
from tests.support.harness import NOW, Harness, screen_text

LONG_URL = "https://www.northwind-outfitters.example/products/footwear/trail-runner-2?colour=green&size=44#reviews"
TITLE = "Trail Runner 2 waterproof trail shoe — Northwind Outfitters"


def test_short_url_keeps_what_matters():
    assert short_url("https://search.test/", 30) == "https://search.test/"           # fits: as it is
    assert short_url(LONG_URL, 50) == "northwind-outfitters.example/…/trail-runner-2"
    assert short_url("https://shop.test/a/b/boots?x=1", 22) == "shop.test/a/b/boots?…"
    assert short_url("https://shop.test/a/b/boots?x=1", 18) == "shop.test/…/boots"
    assert short_url("https://shop.test/cart?x=1", 20) == "shop.test/cart?…"
    assert all(len(short_url(LONG_URL, w)) <= w for w in range(8, 60))


async def test_a_30_column_strip_never_folds_a_url_or_a_word():
    sidebar = JourneySidebar(clock=lambda: NOW)
    sidebar.styles.width = 30
    app = Harness(sidebar)
    v = VisitorDetail(id="v1", name="Ines", first_seen=NOW - 600, last_seen=NOW, current_url=LONG_URL,
                      current_title=TITLE, referrer="https://www.example-search.com/search?q=trail+runner+2+green",
                      pageviews=[PageView(url="https://www.northwind-outfitters.example/", title="Home — Northwind Outfitters",
                                          ts=NOW - 600),
                                 PageView(url=LONG_URL, title=TITLE, ts=NOW - 60)])
    async with app.run_test(size=(30, 40)) as pilot:
        sidebar.set_visitor(v, 1)
        await pilot.pause()
        lines = [line.rstrip() for line in screen_text(app).splitlines()]
        text = "\n".join(lines)
        assert "Northwind Outfitters" not in text                      # the shop's name left out
        url_lines = [line for line in lines if "trail-runner-2" in line]
        assert url_lines and all("…" in line for line in url_lines), url_lines    # shortened, on one line
        assert "example-search.com" in text and "q=trail" not in text
        words = set(" ".join([TITLE.split(" — ")[0], "Home"]).split())
        for line in lines:                                             # no title word cut in two
            for token in line.split():
                assert not any(w != token and w.startswith(token) and len(token) > 2 and token not in words
                               for w in words), (token, line)
