"""Every key a screen binds is one F1 lists and keymap.toml can move: its id is known to the
keymap loader and appears in the help's rows (the help screen's own close key aside)."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding

import chatdesk.tui.screens as screens
from chatdesk.tui.keymap import load_keymap
from chatdesk.tui.screens.help import HelpScreen, key_rows


def screen_binding_ids() -> set[str]:
    ids: set[str] = set()
    for info in pkgutil.iter_modules(screens.__path__):
        module = importlib.import_module(f"{screens.__name__}.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and cls is not HelpScreen:
                ids |= {b.id for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding) and b.id}
    return ids


def test_every_screen_key_is_listed_and_remappable(tmp_path):
    ids = screen_binding_ids()
    assert {"missed.callback", "report.range", "work.call"} <= ids
    assert ids - {row[2] for row in key_rows({})} == set()
    keymap = tmp_path / "keymap.toml"
    keymap.write_text("[keys]\n" + "".join(f'"{i}" = "f20"\n' for i in sorted(ids)), encoding="utf-8")
    remapped, warnings = load_keymap(keymap)
    assert warnings == []
    assert set(remapped) == ids
