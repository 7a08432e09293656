"""What the real server serves for the widget and the demo shop (`static_files.mount_static`)."""
from __future__ import annotations

import re

import httpx

from chatdesk.server.security.static_files import SHOP_CSP

PAGES = ("/shop/", "/shop/product.html", "/shop/shipping.html", "/shop/cart.html", "/shop/checkout.html",
         "/shop/thanks.html")


def test_shop_pages_carry_a_strict_csp_and_embed_the_widget_without_inline_script(shared_server):
    for page in PAGES:
        r = httpx.get(shared_server.url + page)
        assert r.status_code == 200, page
        assert r.headers["content-security-policy"] == SHOP_CSP
        assert r.headers["x-content-type-options"] == "nosniff"
        assert '<script src="/widget/widget.js" defer></script>' in r.text
        scripts = re.findall(r"<script[^>]*>[^<]*</script>", r.text)
        assert len(scripts) == r.text.count("<script") and " style=" not in r.text
        assert set(scripts) <= {'<script src="shop.js" defer></script>', '<script src="/widget/widget.js" defer></script>'}
        assert not re.search(r"\son\w+\s*=", r.text), "no inline event handlers"
    assert "script-src 'self'" in SHOP_CSP and "unsafe" not in SHOP_CSP


def versioned_script(url: str) -> httpx.Response:
    """The script the loader at /widget/widget.js names."""
    loader = httpx.get(url + "/widget/widget.js")
    name = re.search(r'new URL\("(widget\.[0-9a-f]{16}\.js)"', loader.text)
    assert name, loader.text
    return httpx.get(url + "/widget/" + name.group(1))


def test_widget_files_are_served_and_nothing_outside_the_folders(shared_server):
    js = versioned_script(shared_server.url)
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert "innerHTML" not in js.text.replace("never innerHTML", "")
    css_path = re.search(r'var WIDGET_CSS_PATH = "(/widget/widget\.[0-9a-f]{16}\.css)"', js.text)
    assert css_path and httpx.get(shared_server.url + css_path.group(1)).status_code == 200
    assert httpx.get(shared_server.url + "/widget/widget.css").status_code == 200
    for path in ("/shop/%2e%2e/static_files.py", "/widget/%2e%2e/%2e%2e/server/app.py",
                 "/widget/widget.0123456789abcdef.js", "/widget/widget.0123456789abcdef.css"):
        r = httpx.get(shared_server.url + path)
        assert r.status_code == 404 and "def " not in r.text, path


def test_widget_script_is_every_part_joined_in_order(shared_server):
    from chatdesk.server.widget_bundle import PARTS_DIR, join_parts, part_names
    names = part_names()
    assert sorted(names) == sorted(p.name for p in PARTS_DIR.glob("*.js")), "a part missing from ORDER"
    served = versioned_script(shared_server.url).text
    assert served == join_parts()
    positions = [served.index(f"/* widget part: {n.removesuffix('.js')} ") for n in names]
    assert positions == sorted(positions)


def test_the_embed_url_is_a_small_loader_and_the_versioned_files_are_cached_for_a_year(shared_server):
    loader = httpx.get(shared_server.url + "/widget/widget.js")
    assert loader.status_code == 200 and len(loader.content) < 1024
    assert loader.headers["cache-control"] == "public, max-age=300"
    js = versioned_script(shared_server.url)
    css_path = re.search(r'var WIDGET_CSS_PATH = "([^"]+)"', js.text).group(1)   # type: ignore[union-attr]
    for r in (js, httpx.get(shared_server.url + css_path)):
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert r.headers["vary"] == "Accept-Encoding"


def raw_size(url: str) -> tuple[int, str]:
    """Bytes on the wire and their encoding, for a browser that accepts gzip."""
    with httpx.stream("GET", url, headers={"Accept-Encoding": "gzip, deflate, br"}) as r:
        return len(b"".join(r.iter_raw())), r.headers.get("content-encoding", "")


def test_script_and_style_weigh_at_most_20_kb_compressed(shared_server):
    js = versioned_script(shared_server.url)
    css_path = re.search(r'var WIDGET_CSS_PATH = "([^"]+)"', js.text).group(1)   # type: ignore[union-attr]
    sizes = [raw_size(str(js.url)), raw_size(shared_server.url + css_path),
             raw_size(shared_server.url + "/widget/widget.js")]
    assert [encoding for _size, encoding in sizes] == ["gzip"] * 3
    total = sum(size for size, _encoding in sizes)
    print(f"widget on the wire: {total} bytes gzipped (script, style, loader: {[s for s, _ in sizes]})")
    assert total <= 20 * 1024
    assert len(js.content) > 3 * sizes[0][0], "the gzipped script is the real one, compressed"


def test_the_served_parts_lose_their_comments_and_indentation_but_no_code():
    from chatdesk.server.widget_bundle import compact
    source = ('/* widget part: demo — what it does,\n   over two lines */\nvar a = 1;   // a trailing comment\n'
              '  // a comment line\nfunction f() {\n  return "https://x.test/a"; // one space: kept\n'
              '  try { g(); } catch (e) { /* ignore */ }\n}\n')
    assert compact(source) == ('var a = 1;\nfunction f() {\nreturn "https://x.test/a"; // one space: kept\n'
                               'try { g(); } catch (e) { /* ignore */ }\n}\n')
