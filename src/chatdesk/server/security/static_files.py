"""Serves the visitor widget (/widget/) and the demo shop that embeds it (/shop/).

The shop pages carry a strict Content-Security-Policy: scripts only from this origin and no inline
script, so even if operator text ever reached the DOM as markup it could not run.
"""
from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from ..widget_assets import WidgetAssets

STATIC_DIR = Path(__file__).parents[1] / "static"

SHOP_CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",           # CSP3: 'self' also matches ws:/wss: to this host
    "font-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
])


def _harden(response: Response, csp: str | None = None) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    # The demo is edited while it runs; do not let a browser keep a stale widget.
    response.headers["Cache-Control"] = "no-cache"
    if csp:
        response.headers["Content-Security-Policy"] = csp
    return response


class _HardenedFiles(StaticFiles):
    """StaticFiles plus security headers on every answer."""

    def __init__(self, *args, csp: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.csp = csp

    async def get_response(self, path: str, scope: Scope):
        return _harden(await super().get_response(path, scope), self.csp)


def mount_static(app) -> None:
    """Mount /widget/ (the loader widget.js, the versioned script and style: widget_assets.py;
    widget.css and texts as plain files) and /shop/ (demo pages) on a FastAPI/Starlette app.
    Mount it after the API routes so /api/v1/... always wins."""
    assets = WidgetAssets()

    async def widget_asset(request: Request) -> Response:
        name = request.url.path.rsplit("/", 1)[-1]
        asset = assets.current().get(name)
        if asset is None:
            return _harden(Response("Not Found", status_code=404, media_type="text/plain"))
        gzipped = "gzip" in request.headers.get("accept-encoding", "")
        response = _harden(Response(asset.gzipped if gzipped else asset.body, media_type=asset.media_type))
        if gzipped:
            response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
        response.headers["Cache-Control"] = asset.cache
        return response

    for path in ("/widget/widget.js", "/widget/widget.{version}.js", "/widget/widget.{version}.css"):
        app.add_route(path, widget_asset, methods=["GET", "HEAD"], include_in_schema=False)
    app.mount("/widget", _HardenedFiles(directory=STATIC_DIR / "widget"), name="widget")
    app.mount("/shop", _HardenedFiles(directory=STATIC_DIR / "shop", html=True, csp=SHOP_CSP),
              name="shop")
