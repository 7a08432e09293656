"""Every visitor-facing text of the widget comes from a catalogue: static/widget/texts/<lang>/*.json,
one file per widget part, merged per language. A text is a string with {placeholders}, or an
object keyed by the Intl.PluralRules categories of that language ("one", "few", "many", "other")
whose strings contain {n}. A key missing in a language falls back to English.

Which language: the shop's setting (`--widget-language`), or with "auto" the page's `lang`
(its primary subtag: "fi-FI" -> "fi"), else English."""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TEXTS_DIR = Path(__file__).parents[1] / "static" / "widget" / "texts"
LANGUAGES = ("en", "pl", "fi")
FALLBACK = "en"
AUTO = "auto"

Text = str | dict[str, str]


def choose_language(page_lang: str | None, shop_setting: str = AUTO) -> str:
    if shop_setting != AUTO:
        return shop_setting if shop_setting in LANGUAGES else FALLBACK
    primary = (page_lang or "").strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else FALLBACK


class TextFiles:
    """The catalogue's files, read once and again only when one of them changed on disk, which is
    looked at (a directory listing and a stat per file) at most every `recheck_s` seconds: a
    session start costs no disk access, and an edited text still shows within seconds while the
    demo runs."""

    def __init__(self, root: Path, recheck_s: float = 3.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.root, self.recheck_s, self.clock = root, recheck_s, clock
        self._looked: dict[str, float] = {}                       # lang -> when the disk was looked at
        self._stamp: dict[str, tuple[tuple[Path, int], ...]] = {}  # lang -> (file, mtime) as read
        self._texts: dict[str, dict[str, Text]] = {}

    def language(self, lang: str) -> dict[str, Text]:
        """One language's files merged."""
        now = self.clock()
        if lang in self._texts and now - self._looked[lang] < self.recheck_s:
            return self._texts[lang]
        self._looked[lang] = now
        paths = sorted((self.root / lang).glob("*.json"))
        stamp = tuple((p, p.stat().st_mtime_ns) for p in paths)
        if self._stamp.get(lang) != stamp:
            merged: dict[str, Text] = {}
            for path in paths:
                merged.update(json.loads(path.read_text(encoding="utf-8")))
            self._stamp[lang], self._texts[lang] = stamp, merged
        return self._texts[lang]


FILES = TextFiles(TEXTS_DIR)


def _language_files(lang: str) -> dict[str, Text]:
    return FILES.language(lang)


def catalogue(lang: str, overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, Text]:
    """The texts for `lang`: English underneath, the language's own on top, then the shop's
    overrides for that language (config: {lang: {key: text}})."""
    texts = dict(_language_files(FALLBACK))
    if lang != FALLBACK:
        texts.update(_language_files(lang))
    texts.update((overrides or {}).get(lang, {}))
    return texts
