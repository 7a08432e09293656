"""How the widget reaches a page, light and cached (docs/performance.md's budget: script and style
at most 20 KB gzipped together):

- /widget/widget.js, the URL shops embed, is a loader of a few hundred bytes, cached briefly
  (LOADER_CACHE), that adds the versioned script;
- /widget/widget.<hash>.js (the joined parts, widget_bundle.py) and /widget/widget.<hash>.css are
  named by their content, so they are cached for a year and never revalidated (IMMUTABLE); an
  unknown hash is a 404;
- each is kept gzipped too and sent so to a browser that accepts gzip."""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass

from .widget_bundle import WidgetScript, stylesheet, versioned_name

LOADER_CACHE = "public, max-age=300"
IMMUTABLE = "public, max-age=31536000, immutable"

LOADER = """/* chatdesk visitor widget loader: adds the versioned widget script (cached for a year).
 * Embed:  <script src="https://chat.example/widget/widget.js" defer></script> */
(function () {
  var me = document.currentScript;
  if (!me || window.__chatdeskLoaded) return;
  var s = document.createElement("script");
  s.src = new URL(NAME, me.src).href;
  var server = me.getAttribute("data-server");
  if (server) s.setAttribute("data-server", server);
  s.async = true;
  document.head.appendChild(s);
})();
"""


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    media_type: str
    cache: str

    @classmethod
    def of(cls, text: str, media_type: str, cache: str) -> "Asset":
        body = text.encode("utf-8")
        return cls(body, gzip.compress(body, 9, mtime=0), media_type, cache)


class WidgetAssets:
    """The loader and the versioned files by name, rebuilt when the joined script changes."""

    def __init__(self, script: WidgetScript | None = None):
        self.script = script or WidgetScript()
        self._built_from = ""
        self._assets: dict[str, Asset] = {}

    def current(self) -> dict[str, Asset]:
        text = self.script.text()
        if text is not self._built_from:
            css = stylesheet(self.script.parts_dir)
            js_name = versioned_name("widget", ".js", text.encode("utf-8"))
            self._assets = {
                "widget.js": Asset.of(LOADER.replace("NAME", json.dumps(js_name)),
                                      "application/javascript", LOADER_CACHE),
                js_name: Asset.of(text, "application/javascript", IMMUTABLE),
                versioned_name("widget", ".css", css.encode("utf-8")): Asset.of(css, "text/css", IMMUTABLE),
            }
            self._built_from = text
        return self._assets

    def script_name(self) -> str:
        return next(n for n in self.current() if n.endswith(".js") and n != "widget.js")

