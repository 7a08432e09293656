"""The desk's configuration: `config.toml` in the platformdirs user config dir, then `CHATDESK_*`
environment variables on top, then command-line flags (applied by the caller).

    url = "https://chat.example.com"
    email = "ana@example.com"
    theme = "chatdesk-dark"
    keymap = "/path/to/keymap.toml"      # optional; default keymap.toml next to this file
    split_length = 160                   # max characters per part for "send in parts"
    queue_realert_seconds = 30           # alert again while a chat waits; 0 turns it off
    checking_text = "One moment, I am checking that for you."
    bell = true
    desktop_notify = "auto"              # also "osc9", "osc777" or "off"
    export_dir = "~/Documents/chatdesk"  # where transcripts are exported (default: Downloads)
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

APP = "chatdesk"
DESKTOP_NOTIFY = ("auto", "osc9", "osc777", "off")


def config_dir() -> Path:
    import platformdirs
    return Path(os.environ.get("CHATDESK_CONFIG_DIR") or platformdirs.user_config_dir(APP, appauthor=False))


def config_path() -> Path:
    return config_dir() / "config.toml"


@dataclass(frozen=True)
class Config:
    url: str = ""
    email: str = ""
    theme: str = "chatdesk-dark"
    keymap: str = ""
    split_length: int = 160
    queue_realert_seconds: float = 30.0
    checking_text: str = "One moment, I am checking that for you."
    bell: bool = True
    desktop_notify: str = "auto"        # desktop notification with each alert: auto, osc9, osc777, off
    export_dir: str = ""                # where transcripts are exported; "" = export_folder()'s choice
    sla_warn_seconds: float = 30.0      # board: a queue wait turns amber
    sla_late_seconds: float = 90.0      # board: ... and red
    board_at_start: bool = True         # supervisors and trainers open on the board
    problems: tuple[str, ...] = field(default=(), compare=False)   # sentences for a notification

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)


_ENV = {f.name: f"CHATDESK_{f.name.upper()}" for f in fields(Config) if f.name != "problems"}
_ENV["queue_realert_seconds"] = "CHATDESK_QUEUE_REALERT"
_ENV["sla_warn_seconds"] = "CHATDESK_SLA_WARN"
_ENV["sla_late_seconds"] = "CHATDESK_SLA_LATE"


def _coerce(name: str, value: Any, problems: list[str], source: str) -> Any:
    annotation = {f.name: f.type for f in fields(Config)}[name]
    kind = annotation if isinstance(annotation, str) else annotation.__name__   # postponed: a string
    try:
        if kind == "int":
            out: Any = int(value)
            if out < 1:
                raise ValueError
            return out
        if kind == "float":
            out = float(value)
            if out < 0:
                raise ValueError
            return out
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if str(value).strip().lower() in ("1", "true", "yes", "on"):
                return True
            if str(value).strip().lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if name == "desktop_notify" and str(value) not in DESKTOP_NOTIFY:
            raise ValueError
        return str(value)
    except (TypeError, ValueError):
        problems.append(f"Ignored {name} = {value!r} from {source}: expected {'a positive ' if kind in ('int', 'float') else ''}"
                        f"{ {'int': 'whole number', 'float': 'number', 'bool': 'true or false'}.get(kind, _text(name)) }.")
        return None


def _text(name: str) -> str:
    return "one of " + ", ".join(DESKTOP_NOTIFY) if name == "desktop_notify" else "some text"


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Never raises: a broken file or value is reported in `problems` and the default is kept."""
    path = path or config_path()
    env = os.environ if env is None else env
    problems: list[str] = []
    values: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            problems.append(f"Could not read {path}: {e}. Using the defaults.")
            data = {}
        for key, raw in data.items():
            if key not in _ENV:
                problems.append(f"Ignored unknown setting {key!r} in {path}.")
                continue
            value = _coerce(key, raw, problems, str(path))
            if value is not None:
                values[key] = value
    for key, var in _ENV.items():
        if env.get(var):
            value = _coerce(key, env[var], problems, var)
            if value is not None:
                values[key] = value
    return replace(Config(), **values, problems=tuple(problems))


def export_folder(configured: str = "") -> Path:
    """Where an export goes: the configured folder, else the user's Downloads folder, else
    Documents, else home (never the directory the desk happened to start in)."""
    if configured.strip():
        return Path(configured.strip()).expanduser()
    import platformdirs
    for found in (platformdirs.user_downloads_dir(), platformdirs.user_documents_dir()):
        if found and Path(found).is_dir():
            return Path(found)
    return Path.home()


def save_config(updates: Mapping[str, Any], path: Path | None = None) -> Path:
    """Write `updates` into config.toml, keeping the other settings (used by `chatdesk login`)."""
    path = path or config_path()
    current: dict[str, Any] = {}
    if path.exists():
        try:
            current = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            current = {}
    current.update({k: v for k, v in updates.items() if v is not None})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{k} = {_toml_value(v)}\n" for k, v in current.items()), encoding="utf-8")
    return path


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    s = str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{s}"'
