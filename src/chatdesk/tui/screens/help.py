"""F1: every key the desk answers to, as remapped by the user's keymap."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from chatdesk.tui.keymap import COMPOSER_KEYS, DESK_BINDINGS, QUEUE_BINDINGS


def key_rows(keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """(keys, what it does, binding id) for every binding, user keymap applied."""
    rows: list[tuple[str, str, str]] = []
    for group in (DESK_BINDINGS, QUEUE_BINDINGS):
        for b in group:
            rows.append((keymap.get(b.id or "", b.key), b.description, b.id or ""))
    rows += [(key, text, binding_id) for binding_id, key, text in COMPOSER_KEYS]
    rows += [("ctrl+p", "Command palette: every action by name", "app.command_palette"),
             ("ctrl+q", "Quit", "app.quit")]
    return rows


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 80; max-width: 95%; height: 90%; border: round $accent;
        background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="help.close")]

    def __init__(self, keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self.keymap = keymap or {}

    def compose(self) -> ComposeResult:
        parts: list = []
        for keys, text, binding_id in key_rows(self.keymap):
            if parts:
                parts.append("\n")
            parts += [(f"{keys:<22}", "bold $accent"), (f"{text:<36}", ""), (binding_id, "$text-muted")]
        with VerticalScroll() as box:
            box.border_title = "Keys — Esc closes · remap ids in keymap.toml in the config folder"
            yield Static(Content.assemble(*parts))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
