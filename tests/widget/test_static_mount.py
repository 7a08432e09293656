"""`mount_static(app)`: what the server mounts for the widget and the demo shop, on a bare app."""
from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from chatdesk.server.static_files import SHOP_CSP, mount_static


def client() -> TestClient:
    app = FastAPI()
    mount_static(app)
    return TestClient(app)


def test_shop_pages_carry_a_strict_csp_and_embed_the_widget_without_inline_script():
    c = client()
    for page in ("/shop/", "/shop/product.html", "/shop/shipping.html", "/shop/checkout.html"):
        r = c.get(page)
        assert r.status_code == 200, page
        assert r.headers["content-security-policy"] == SHOP_CSP
        assert r.headers["x-content-type-options"] == "nosniff"
        assert '<script src="/widget/widget.js" defer></script>' in r.text
        assert r.text.count("<script") == 1 and " style=" not in r.text and "onclick" not in r.text
    assert "script-src 'self'" in SHOP_CSP and "unsafe" not in SHOP_CSP


def test_widget_files_are_served_and_nothing_outside_the_folders():
    c = client()
    js = c.get("/widget/widget.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert "innerHTML" not in js.text.replace("never innerHTML", "")
    assert c.get("/widget/widget.css").status_code == 200
    assert c.get("/widget/../static_files.py").status_code == 404
    assert c.get("/shop/%2e%2e/static_files.py").status_code == 404
