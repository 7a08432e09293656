"""What a terminal sends for the desk's alt keys, as the keys the desk binds.

In the legacy key encoding (tmux, SSH, xterm with metaSendsEscape, GNOME Terminal, Konsole, the
Linux console) alt+key arrives as ESC followed by the key. Textual's table of sequences reads:

- ESC 0 … ESC 9 as the characters macOS types for option+digit (¡ ™ £ ¢ ∞ § ¶ • ª º), which
  would land in the reply and go to the visitor with the next Enter;
- ESC CR as a plain Enter, which would send the reply instead of starting a new line.

The desk reads ESC digit as alt+digit and ESC CR as alt+enter, with no character, so neither
ever types anything. Under the kitty keyboard protocol (which Textual asks for and kitty, foot,
Ghostty and Alacritty honour) these keys come as CSI u sequences that Textual already reads
right; tmux 3.3 answers with the legacy encoding.

A terminal that sends option+digit as the character itself (macOS Terminal without "Use Option
as Meta key", xterm's default eightBitInput) is not told apart from typing that character, which
stays typeable: the README names the other keys that do the same there.
"""
from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass

from textual._ansi_sequences import ANSI_SEQUENCES_KEYS


@dataclass(frozen=True)
class KeyName:
    """A key the parser reports by name (Textual's parser reads `.value` off its table's entries)."""
    value: str


ALT_SEQUENCES: dict[str, str] = {
    **{f"\x1b{digit}": f"alt+{digit}" for digit in "0123456789"},
    "\x1b\r": "alt+enter",
}


def install() -> None:
    """Teach Textual's input parser the sequences above (idempotent; affects this process)."""
    # Textual types its module-level dict as a read-only Mapping; it is a dict, read at every key.
    table: MutableMapping[str, object] = ANSI_SEQUENCES_KEYS  # type: ignore[assignment]
    for sequence, key in ALT_SEQUENCES.items():
        table[sequence] = (KeyName(key),)
