"""Theme files (TOML) -> Textual `Theme` objects.

Shipped themes live in `themes/` at the project root; users add their own in the chatdesk config
dir (`themes/*.toml`), which win on a name clash. A file that cannot be used is skipped with a
sentence for a notification — never a crash. Format:

    name = "chatdesk-dark"
    dark = true
    primary = "#4ea1ff"            # required
    accent = "#ffb454"             # secondary, warning, error, success, foreground,
                                   # background, surface, panel, boost: optional
    [variables]                    # optional Textual variables, e.g. "footer-key-foreground"
    "footer-key-foreground" = "#ffb454"
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme


def _shipped_dir() -> Path:
    """themes/ at the top of the repo; inside the package once installed from a wheel."""
    installed = Path(__file__).resolve().parents[1] / "themes"
    return installed if installed.is_dir() else Path(__file__).resolve().parents[3] / "themes"


SHIPPED_DIR = _shipped_dir()
DEFAULT_THEME = "chatdesk-dark"
COLOR_FIELDS = ("primary", "secondary", "accent", "warning", "error", "success", "foreground",
                "background", "surface", "panel", "boost")


class ThemeFileError(ValueError):
    """The message is a sentence naming the file and what is wrong with it."""


def user_themes_dir() -> Path:
    from chatdesk.client.config import config_dir
    return config_dir() / "themes"


def load_theme_file(path: Path) -> Theme:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ThemeFileError(f"The theme file {path.name} could not be read: {exc}.") from None
    name = data.get("name") or path.stem
    if not isinstance(name, str):
        raise ThemeFileError(f"The theme file {path.name} has a name that is not text.")
    if "primary" not in data:
        raise ThemeFileError(f"The theme file {path.name} needs at least a primary colour.")
    colors: dict[str, str] = {}
    for key in COLOR_FIELDS:
        if key in data:
            try:
                Color.parse(str(data[key]))
            except ColorParseError:
                raise ThemeFileError(
                    f"The theme file {path.name} has an unusable {key} colour {data[key]!r}.") from None
            colors[key] = str(data[key])
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeFileError(f"The theme file {path.name} has a [variables] entry that is not a table.")
    for key, val in variables.items():
        try:
            Color.parse(str(val))
        except ColorParseError:
            raise ThemeFileError(
                f"The theme file {path.name} has an unusable colour {val!r} for {key}.") from None
    theme = Theme(name=name, dark=bool(data.get("dark", True)),
                  variables={str(k): str(v) for k, v in variables.items()}, **colors)  # type: ignore[arg-type]  # colors holds only the str colour fields
    try:
        theme.to_color_system().generate()   # surfaces bad variable values now, not mid-render
    except Exception as exc:
        raise ThemeFileError(f"The theme file {path.name} could not be used: {exc}.") from None
    return theme


def load_themes(*folders: Path | None) -> tuple[dict[str, Theme], list[str]]:
    """All usable themes from these folders (later folders win) and a sentence per broken file."""
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    for folder in folders:
        if folder is None or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = load_theme_file(path)
            except ThemeFileError as exc:
                problems.append(str(exc))
                continue
            themes[theme.name] = theme
    return themes, problems
