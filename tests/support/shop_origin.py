"""A shop on an origin of its own: a plain HTTP server on another loopback port serving fixed pages
(the shop's own web server), for embedding the widget from the chat server's port."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from chatdesk.demo.local_server import free_port


def shop_page(chat_url: str, title: str = "Other Shop", script_src: str | None = None,
              data_server: str = "", lang: str = "en") -> bytes:
    """A page embedding the widget: its script from the chat server unless `script_src` says
    otherwise (then `data_server` names the chat server); `lang` is the page's <html lang>."""
    extra = f' data-server="{data_server}"' if data_server else ""
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
            f'<body><header><h1>{title}</h1><nav><a href="/">Home</a> <a href="/other.html">Other</a></nav></header>'
            f'<main><p>Boots and tents.</p></main>'
            f'<script src="{script_src or chat_url + "/widget/widget.js"}"{extra} defer></script>'
            f'</body></html>').encode()


def shop_csp(chat_url: str) -> str:
    """What a shop with a strict CSP allows so the widget from `chat_url` works."""
    ws = chat_url.replace("http", "ws", 1)
    return (f"default-src 'self'; script-src 'self' {chat_url}; style-src 'self' {chat_url}; "
            f"img-src 'self' {chat_url} data:; connect-src 'self' {chat_url} {ws}")


class ShopOrigin:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.pages: dict[str, tuple[str, bytes, dict[str, str]]] = {"/favicon.ico": ("image/x-icon", b"", {})}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def put(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8",
            headers: dict[str, str] | None = None) -> None:
        self.pages[path] = (content_type, body, headers or {})


@contextmanager
def serving_shop(shop: ShopOrigin) -> Iterator[ShopOrigin]:
    pages = shop.pages

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            found = pages.get(self.path.split("?")[0])
            if found is None:
                self.send_error(404)
                return
            content_type, body, headers = found
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", shop.port), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield shop
    finally:
        httpd.shutdown()
        httpd.server_close()
