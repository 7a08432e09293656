"""The visitor widget is kept as small parts (static/widget/src/, joined in the order ORDER lists)
and served as one script, /widget/widget.js, inside one strict-mode function scope.

The joined script is rebuilt whenever a part changes on disk, so an edited widget shows on the next
page load while the demo runs. How it is served (a small loader, versioned names, gzip, caching):
widget_assets.py."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from .services.widget_texts import FALLBACK, TEXTS_DIR, catalogue

PARTS_DIR = Path(__file__).parent / "static" / "widget" / "src"

PREAMBLE = """/* chatdesk visitor widget: a chat bubble for any page. Vanilla JS, no build step.
 *
 * Embed:  <script src="https://chat.example/widget/widget.js" defer></script>
 *         (optional data-server="https://chat.example" when the script is served elsewhere)
 *
 * Rules this script keeps: text from the server is only ever set with textContent (never innerHTML);
 * the visitor token travels in a header or the websocket auth frame, never in a URL; after a drop
 * the stream resumes from the last event_id and messages are deduplicated by id.
 * Joined from the parts in static/widget/src/ (see ORDER there).
 */
(function () {
"use strict";
if (window.__chatdeskLoaded) return;
window.__chatdeskLoaded = true;
"""
CLOSING = "})();\n"


def part_names(parts_dir: Path = PARTS_DIR) -> list[str]:
    lines = (parts_dir / "ORDER").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


# What the visitor's browser need not download: the parts' comments (they stay in the source) and
# indentation. Only whole comments are taken: a block comment that fills its lines, a line that is
# a `//` comment, and a `// ` comment after two spaces at the end of a line (no part writes that
# inside a string); `/* ... */` within a line of code stays.
BLOCK_COMMENT = re.compile(r"^[ \t]*/\*(?:(?!\*/).)*\*/[ \t]*\n", re.S | re.M)
LINE_COMMENT = re.compile(r"^[ \t]*//.*\n", re.M)
TRAILING_COMMENT = re.compile(r"[ \t]{2,}// .*$", re.M)
INDENT = re.compile(r"^[ \t]+", re.M)


def compact(source: str) -> str:
    return INDENT.sub("", TRAILING_COMMENT.sub("", LINE_COMMENT.sub("", BLOCK_COMMENT.sub("", source))))


def served_part(parts_dir: Path, name: str) -> str:
    """One part as served: a one-line header naming it, then its code without comments."""
    return f"/* widget part: {name.removesuffix('.js')} */\n" + compact((parts_dir / name).read_text(encoding="utf-8"))


def join_parts(parts_dir: Path = PARTS_DIR) -> str:
    """The parts in order, after the English texts (`DEFAULT_TEXTS`: what the widget says before
    the session answer brings the page's language) and the versioned stylesheet's path."""
    body = "\n".join(served_part(parts_dir, name) for name in part_names(parts_dir))
    defaults = json.dumps(catalogue(FALLBACK), ensure_ascii=False, sort_keys=True)
    css_path = "/widget/" + versioned_name("widget", ".css", stylesheet(parts_dir).encode())
    return (PREAMBLE + f"var DEFAULT_TEXTS = {defaults};\nvar WIDGET_CSS_PATH = {json.dumps(css_path)};\n"
            + body + CLOSING)


STYLESHEETS = ("widget.css", "flows.css", "invite.css")   # joined in this order into widget.<hash>.css


def stylesheet(parts_dir: Path = PARTS_DIR) -> str:
    return "\n".join((parts_dir.parent / name).read_text(encoding="utf-8") for name in STYLESHEETS)


def versioned_name(stem: str, suffix: str, content: bytes) -> str:
    """widget.<first 16 hex digits of the content's SHA-256>.js: a new name for every change, so
    the file itself may be cached for a year."""
    return f"{stem}.{hashlib.sha256(content).hexdigest()[:16]}{suffix}"


class WidgetScript:
    """The joined widget script, rebuilt when any part's modification time changes."""

    def __init__(self, parts_dir: Path = PARTS_DIR):
        self.parts_dir = parts_dir
        self._stamp: tuple[int, ...] = ()
        self._text = ""

    def text(self) -> str:
        files = [self.parts_dir / "ORDER", *(self.parts_dir / n for n in part_names(self.parts_dir)),
                 *sorted((TEXTS_DIR / FALLBACK).glob("*.json")),
                 *(self.parts_dir.parent / name for name in STYLESHEETS)]
        stamp = tuple(f.stat().st_mtime_ns for f in files)
        if stamp != self._stamp:
            self._text, self._stamp = join_parts(self.parts_dir), stamp
        return self._text
