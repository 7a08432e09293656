"""The shop's one settings file: `chatdesk server --shop-config shop.toml`. Its sections are those
of the widget config (widget_config.py: [branding], [texts.<lang>]) and of the visitor's flows
(visitor_flows_config.py: [prechat], [hours], [queue], [rating]), each read by its own module;
every section is optional.

    [branding]
    title = "Northwind help"
    primary_colour = "#1b7f3b"
    [texts.pl]
    "panel.greeting" = "Dzień dobry! W czym możemy pomóc?"
    [prechat]
    name = "required"
    [hours]
    time_zone = "Europe/Warsaw"
    week = {monday = "08:00-16:00"}
    [queue]
    max_length = 10
    [rating]
    scale = "thumbs"

A file that cannot be used stops the server with the file's name, the line and a sentence
(`ShopConfigError`). The two older flags, `--widget-config` and `--flows-config`, still read
their halves for one release (cli.py, docs/visitor-flows.md)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .visitor_flows_config import FlowsConfig, FlowsConfigError, flows_from_dict
from .widget_config import WidgetConfig, WidgetConfigError

WIDGET_SECTIONS = ("branding", "texts")
FLOWS_SECTIONS = ("prechat", "hours", "queue", "rating")
TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")


class ShopConfigError(ValueError):
    """The shop file cannot be used; the message names the file, the line and what to change."""


@dataclass(frozen=True)
class ShopConfig:
    widget: WidgetConfig
    flows: FlowsConfig


def load_shop(path: str | Path) -> ShopConfig:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ShopConfigError(f"cannot read the shop config {path}: {e.strerror}.") from None
    except UnicodeDecodeError:
        raise ShopConfigError(f"the shop config {path} is not UTF-8 text.") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        found = TOML_LINE.search(str(e))
        where = f", line {found[1]}" if found else ""
        raise ShopConfigError(f"{path}{where}: not valid TOML: {TOML_LINE.sub('', str(e)).strip()}.") from None
    unknown = sorted(set(raw) - set(WIDGET_SECTIONS) - set(FLOWS_SECTIONS))
    if unknown:
        raise ShopConfigError(f"{path}, line {section_line(text, unknown[0])}: unknown section [{unknown[0]}]; "
                              f"the file may have {', '.join(f'[{s}]' for s in (*WIDGET_SECTIONS, *FLOWS_SECTIONS))}.")
    return ShopConfig(widget=_read(path, text, raw, WIDGET_SECTIONS, WidgetConfig.from_dict),
                      flows=_read(path, text, raw, FLOWS_SECTIONS, flows_from_dict))


def _read(path: Path, text: str, raw: dict[str, Any], sections: tuple[str, ...], read: Any) -> Any:
    """Each section on its own, so a mistake is told with the line of the section it is in."""
    for name in sections:
        if name in raw:
            try:
                read({name: raw[name]})
            except (WidgetConfigError, FlowsConfigError, TypeError, ValueError, AttributeError) as e:
                line = key_line(text, name, str(e))
                raise ShopConfigError(f"{path}, line {line}: {_sentence(e)}") from None
    return read({name: raw[name] for name in sections if name in raw})


def _sentence(e: Exception) -> str:
    if isinstance(e, WidgetConfigError | FlowsConfigError):
        return str(e)
    return f"a setting has the wrong kind of value ({e})."


HEADER = re.compile(r"^\s*\[+\s*([A-Za-z0-9_.\"' -]+?)\s*\]+\s*(?:#.*)?$")
KEY = re.compile(r"^\s*\"?([A-Za-z0-9_.-]+)\"?\s*=")


def section_line(text: str, section: str) -> int:
    """The line of the header [section] (or [section.x], [[section]]), or of a setting of that
    name outside any section; 1 if none is found."""
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        m = HEADER.match(line)
        if m and m[1].split(".")[0].strip("\"'") == section:
            return number
    for number, line in enumerate(lines, 1):
        if HEADER.match(line):
            break
        m = KEY.match(line)
        if m and m[1].split(".")[0] == section:
            return number
    return 1


def key_line(text: str, section: str, message: str) -> int:
    """The line of the setting the message names within `section`, else the section's header."""
    start = section_line(text, section)
    lines = text.splitlines()
    named = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", message))
    for number in range(start, len(lines)):         # from the line after the header
        line = lines[number]
        header = HEADER.match(line)
        if header and header[1].split(".")[0].strip("\"'") != section:
            break
        m = KEY.match(line)
        if m and m[1].split(".")[-1] in named:
            return number + 1
    return start
