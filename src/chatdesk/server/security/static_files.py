"""Serves the visitor widget (/widget/) and the demo shop that embeds it (/shop/).

The shop pages carry a strict Content-Security-Policy: scripts only from this origin and no inline
script, so even if operator text ever reached the DOM as markup it could not run.
"""
from __future__ import annotations

from pathlib import Path

from starlette.staticfiles import StaticFiles
from starlette.types import Scope

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


class _HardenedFiles(StaticFiles):
    """StaticFiles plus security headers on every answer."""

    def __init__(self, *args, csp: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.csp = csp

    async def get_response(self, path: str, scope: Scope):
        response = await super().get_response(path, scope)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        # The demo is edited while it runs; do not let a browser keep a stale widget.
        response.headers["Cache-Control"] = "no-cache"
        if self.csp:
            response.headers["Content-Security-Policy"] = self.csp
        return response


def mount_static(app) -> None:
    """Mount /widget/ (widget.js, widget.css) and /shop/ (demo pages) on a FastAPI/Starlette app.
    Mount it after the API routes so /api/v1/... always wins."""
    app.mount("/widget", _HardenedFiles(directory=STATIC_DIR / "widget"), name="widget")
    app.mount("/shop", _HardenedFiles(directory=STATIC_DIR / "shop", html=True, csp=SHOP_CSP),
              name="shop")
