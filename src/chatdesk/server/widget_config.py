"""The shop's widget settings: the [branding] and [texts.*] sections of the shop file
(`chatdesk server --shop-config FILE`, shop_config.py), or the older `--widget-config FILE` (TOML
or JSON, by the file's ending; anything but .json is read as TOML).

One dataclass per section of the file, each checked where it is read, so a mistake stops the server
at start-up with a sentence instead of reaching a visitor's page:

    [branding]                    # Branding: the look (served in the session answer)
    title = "Northwind help"
    primary_colour = "#1b7f3b"    # #rrggbb only: it becomes a CSS custom property
    text_colour = "#ffffff"
    logo_url = "https://shop.example/logo.png"   # http(s) only, or "" for none
    position = "right"            # or "left"

    [texts.pl]                    # per-language text overrides (services/widget_texts.catalogue)
    "panel.greeting" = "Dzień dobry! W czym możemy pomóc?"

Other sections (pre-chat, opening hours, queue) get classes of their own below `Branding` and a
field of their own in `WidgetConfig`."""
from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .services.widget_texts import LANGUAGES

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
POSITIONS = ("right", "left")
MAX_TITLE = 80
MAX_URL = 2048


class WidgetConfigError(ValueError):
    """The file cannot be used; the message says what to change."""


@dataclass(frozen=True)
class Branding:
    title: str = ""                  # "" keeps the catalogue's "panel.title" in each language
    primary_colour: str = "#1f6feb"
    text_colour: str = "#ffffff"
    logo_url: str = ""
    position: str = "right"

    @classmethod
    def read(cls, raw: dict[str, Any]) -> "Branding":
        _only_known(raw, cls, "branding")
        b = cls(**{k: _text(v, f"branding.{k}") for k, v in raw.items()})
        for name in ("primary_colour", "text_colour"):
            if not COLOUR.fullmatch(getattr(b, name)):
                raise WidgetConfigError(f"branding.{name} must be a colour written as #rrggbb, "
                                        f"not {getattr(b, name)!r}.")
        if b.position not in POSITIONS:
            raise WidgetConfigError(f"branding.position must be \"right\" or \"left\", not {b.position!r}.")
        if len(b.title) > MAX_TITLE:
            raise WidgetConfigError(f"branding.title may be at most {MAX_TITLE} characters.")
        if b.logo_url and (urlsplit(b.logo_url).scheme not in ("http", "https")
                           or not urlsplit(b.logo_url).netloc or len(b.logo_url) > MAX_URL):
            raise WidgetConfigError("branding.logo_url must be an http:// or https:// address (or \"\").")
        return b

    def answer(self, texts: dict[str, Any]) -> dict[str, str]:
        """The session answer's `branding`, the title resolved in the visitor's language."""
        return {"title": self.title or str(texts.get("panel.title", "")), "primary_colour": self.primary_colour,
                "text_colour": self.text_colour, "logo_url": self.logo_url, "position": self.position}


TextOverrides = dict[str, dict[str, Any]]


def read_texts(raw: dict[str, Any]) -> TextOverrides:
    """{lang: {key: text}}: a text is a string, or a plural text {category: string}."""
    for lang, texts in raw.items():
        if lang not in LANGUAGES:
            raise WidgetConfigError(f"texts.{lang}: the widget speaks {', '.join(LANGUAGES)} only.")
        if not isinstance(texts, dict):
            raise WidgetConfigError(f"texts.{lang} must be a table of key = text.")
        for key, text in texts.items():
            plural = isinstance(text, dict) and all(isinstance(v, str) for v in text.values())
            if not (isinstance(text, str) or plural):
                raise WidgetConfigError(f"texts.{lang}.{key} must be a text or a table of plural forms.")
    return raw


@dataclass(frozen=True)
class WidgetConfig:
    branding: Branding = field(default_factory=Branding)
    texts: TextOverrides = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "WidgetConfig":
        unknown = set(raw) - {"branding", "texts"}
        if unknown:
            raise WidgetConfigError(f"unknown section(s) {', '.join(sorted(unknown))}: "
                                    "the file may have branding and texts.")
        return cls(branding=Branding.read(_table(raw.get("branding", {}), "branding")),
                   texts=read_texts(_table(raw.get("texts", {}), "texts")))


def load(path: Path | str | None) -> WidgetConfig:
    """The settings in `path`; the defaults for None. Raises WidgetConfigError with a sentence."""
    if path is None:
        return WidgetConfig()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise WidgetConfigError(f"cannot read the widget config {path}: {e.strerror}.") from None
    try:
        raw = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as e:
        raise WidgetConfigError(f"the widget config {path} is not valid "
                                f"{'JSON' if path.suffix.lower() == '.json' else 'TOML'}: {e}") from None
    try:
        return WidgetConfig.from_dict(_table(raw, "the file"))
    except WidgetConfigError as e:
        raise WidgetConfigError(f"{path}: {e}") from None


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise WidgetConfigError(f"{where} must be a table of settings.")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise WidgetConfigError(f"{where} must be a text in quotes.")
    return value


def _only_known(raw: dict[str, Any], cls: type, section: str) -> None:
    known = {f.name for f in fields(cls)}
    unknown = set(raw) - known
    if unknown:
        raise WidgetConfigError(f"{section}: unknown setting(s) {', '.join(sorted(unknown))}; "
                                f"known: {', '.join(sorted(known))}.")
