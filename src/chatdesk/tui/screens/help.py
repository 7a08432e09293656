"""F1: every key the desk answers to, as remapped by the user's keymap."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from chatdesk.tui.keymap import (
    COMPOSER_KEYS,
    DESK_BINDINGS,
    QUEUE_BINDINGS,
    STAFF_DESK_BINDINGS,
    STAFF_SCREEN_BINDINGS,
    WORK_BINDINGS,
)


def key_rows(keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """(keys, what it does, binding id) for every binding, user keymap applied."""
    rows: list[tuple[str, str, str]] = []
    for group in (DESK_BINDINGS, QUEUE_BINDINGS, WORK_BINDINGS, STAFF_DESK_BINDINGS, STAFF_SCREEN_BINDINGS):
        for b in group:
            rows.append((keymap.get(b.id or "", b.key), b.tooltip or b.description, b.id or ""))
    rows += [(key, text, binding_id) for binding_id, key, text in COMPOSER_KEYS]
    rows += [("ctrl+p", "Command palette: every action by name", "app.command_palette"),
             ("ctrl+q", "Quit (asks first while you hold chats)", "app.quit")]
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Close", id="help.close")]

    def __init__(self, keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self.keymap = keymap or {}

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Keys (Esc closes) — remap an id in keymap.toml in the config folder"
            about = getattr(self.app, "about", ())    # e.g. the demo's server and accounts
            if about:
                yield Static("\n".join(about), id="help-about", markup=False)
            table: DataTable = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_columns("Keys", "What it does", "Id")
            for keys, text, binding_id in key_rows(self.keymap):
                # rich Text, not str: DataTable would parse a str as markup.
                table.add_row(Text(keys, style="bold"), Text(text), Text(binding_id, style="dim"))
            yield table

    def action_close(self) -> None:
        self.dismiss(None)
