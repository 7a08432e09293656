"""What the real server serves for the widget and the demo shop (`static_files.mount_static`)."""
from __future__ import annotations

import re

import httpx

from chatdesk.server.security.static_files import SHOP_CSP

PAGES = ("/shop/", "/shop/product.html", "/shop/shipping.html", "/shop/checkout.html")


def test_shop_pages_carry_a_strict_csp_and_embed_the_widget_without_inline_script(shared_server):
    for page in PAGES:
        r = httpx.get(shared_server.url + page)
        assert r.status_code == 200, page
        assert r.headers["content-security-policy"] == SHOP_CSP
        assert r.headers["x-content-type-options"] == "nosniff"
        assert '<script src="/widget/widget.js" defer></script>' in r.text
        assert r.text.count("<script") == 1 and " style=" not in r.text
        assert not re.search(r"\son\w+\s*=", r.text), "no inline event handlers"
    assert "script-src 'self'" in SHOP_CSP and "unsafe" not in SHOP_CSP


def test_widget_files_are_served_and_nothing_outside_the_folders(shared_server):
    js = httpx.get(shared_server.url + "/widget/widget.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert "innerHTML" not in js.text.replace("never innerHTML", "")
    assert httpx.get(shared_server.url + "/widget/widget.css").status_code == 200
    for path in ("/shop/%2e%2e/static_files.py", "/widget/%2e%2e/%2e%2e/server/app.py"):
        r = httpx.get(shared_server.url + path)
        assert r.status_code == 404 and "def " not in r.text, path


def test_widget_script_is_every_part_joined_in_order(shared_server):
    from chatdesk.server.widget_bundle import PARTS_DIR, join_parts, part_names
    names = part_names()
    assert sorted(names) == sorted(p.name for p in PARTS_DIR.glob("*.js")), "a part missing from ORDER"
    served = httpx.get(shared_server.url + "/widget/widget.js").text
    assert served == join_parts()
    positions = [served.index(f"/* widget part: {n.removesuffix('.js')} ") for n in names]
    assert positions == sorted(positions)
