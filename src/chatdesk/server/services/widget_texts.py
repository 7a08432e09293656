"""Every visitor-facing text of the widget comes from a catalogue: static/widget/texts/<lang>/*.json,
one file per widget part, merged per language. A text is a string with {placeholders}, or an
object keyed by the Intl.PluralRules categories of that language ("one", "few", "many", "other")
whose strings contain {n}. A key missing in a language falls back to English.

Which language: the shop's setting (`--widget-language`), or with "auto" the page's `lang`
(its primary subtag: "fi-FI" -> "fi"), else English."""
from __future__ import annotations

import json
from functools import cache
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


def _language_files(lang: str) -> dict[str, Text]:
    """One language's files merged; read again only when one of them changed on disk."""
    paths = sorted((TEXTS_DIR / lang).glob("*.json"))
    return _merged(tuple((p, p.stat().st_mtime_ns) for p in paths))


@cache
def _merged(files: tuple[tuple[Path, int], ...]) -> dict[str, Text]:
    merged: dict[str, Text] = {}
    for path, _mtime in files:
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def catalogue(lang: str, overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, Text]:
    """The texts for `lang`: English underneath, the language's own on top, then the shop's
    overrides for that language (config: {lang: {key: text}})."""
    texts = dict(_language_files(FALLBACK))
    if lang != FALLBACK:
        texts.update(_language_files(lang))
    texts.update((overrides or {}).get(lang, {}))
    return texts
