"""Textual's own input parser, fed the bytes terminals send for the desk's keys: each must become
the key the desk binds, and alt+digit / alt+enter must carry no character to type."""
from __future__ import annotations

import pytest
from textual import events
from textual._xterm_parser import XTermParser

from chatdesk.tui.terminal_keys import install

ESC = "\x1b"
SEQUENCES = [
    # legacy encoding: tmux, SSH, GNOME Terminal, Konsole, xterm with metaSendsEscape
    (ESC + "1", "alt+1"), (ESC + "5", "alt+5"), (ESC + "9", "alt+9"), (ESC + "\r", "alt+enter"),
    ("\n", "ctrl+j"), ("\r", "enter"),
    (ESC + "[5;5~", "ctrl+pageup"), (ESC + "[6;5~", "ctrl+pagedown"),
    (ESC + "[5^", "ctrl+pageup"), (ESC + "[6^", "ctrl+pagedown"),          # rxvt
    (ESC + "OP", "f1"), (ESC + "OQ", "f2"), (ESC + "OR", "f3"), (ESC + "OS", "f4"),
    (ESC + "[11~", "f1"), (ESC + "[[A", "f1"),                            # rxvt, Linux console
    (ESC + "[15~", "f5"), (ESC + "[17~", "f6"), (ESC + "[18~", "f7"), (ESC + "[19~", "f8"),
    (ESC + "[20~", "f9"), ("\x14", "ctrl+t"), ("\x0e", "ctrl+n"), ("\x0f", "ctrl+o"),
    # the kitty keyboard protocol (CSI u), which Textual asks the terminal for
    (ESC + "[49;3u", "alt+1"), (ESC + "[57;3u", "alt+9"), (ESC + "[13;3u", "alt+enter"),
    (ESC + "[106;5u", "ctrl+j"), (ESC + "[13u", "enter"), (ESC + "[P", "f1"),
]


def keys_of(data: str) -> list[events.Key]:
    parser = XTermParser()
    return [e for e in [*parser.feed(data), *parser.feed("")] if isinstance(e, events.Key)]


@pytest.fixture(autouse=True, scope="module")
def desk_keys():
    install()


@pytest.mark.parametrize(("data", "key"), SEQUENCES, ids=[repr(s) for s, _ in SEQUENCES])
def test_a_terminal_sequence_is_the_key_the_desk_binds(data, key):
    assert [k.key for k in keys_of(data)] == [key]


@pytest.mark.parametrize("data", [ESC + "1", ESC + "\r", ESC + "[49;3u", ESC + "[13;3u"])
def test_alt_digit_and_alt_enter_type_nothing(data):
    assert [k.character for k in keys_of(data)] == [None]


def test_fast_alt_digits_and_the_text_after_them_keep_their_order():
    assert [k.key for k in keys_of(ESC + "1" + ESC + "2" + "hi")] == ["alt+1", "alt+2", "h", "i"]


def test_option_characters_typed_as_such_stay_text():
    """A terminal that sends option+3 as the character (macOS without Option-as-Meta) types it:
    "£" is also shift+3 on a British keyboard."""
    assert [(k.key, k.character) for k in keys_of("£")] == [("pound_sign", "£")]
