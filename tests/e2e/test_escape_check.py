"""The terminal checker must be able to fail: raw hostile payloads are caught, Textual's own output is not."""
from __future__ import annotations

from tests.support.escapes import foreign_sequences, leaked_payloads
from tests.support.hostile import text_payloads

TEXTUAL_LIKE = (b"\x1b[?1049h\x1b[?25l\x1b[?1000h\x1b[?1006h\x1b[>25u\x1b[?2026$p\x1b]22;default\x07"
                b"\x1b[1;1H\x1b[38;2;10;20;30;48;5;17mHello\x1b[0m\r\n\x07")


def test_textual_output_is_not_flagged():
    assert foreign_sequences(TEXTUAL_LIKE) == []


def test_every_escape_payload_of_the_corpus_is_caught_when_written_raw():
    missed = []
    for name, payload in text_payloads():
        hostile = any(c in payload for c in "\x1b\x9b\x9d\x90\x9f\u202e")
        message = "<" + payload + ">"
        raw = message.encode()      # as if a desk wrote the message untouched
        if hostile and not foreign_sequences(raw) and not leaked_payloads(raw, [(name, message)]):
            missed.append(name)
    assert missed == []


def test_c1_and_stray_controls_are_caught():
    assert foreign_sequences("a\x9b2Jb".encode()) == ["\x9b"]
    assert foreign_sequences(b"a\x08b\x00") == ["\x08", "\x00"]
    assert foreign_sequences(b"\x1b]0;pwned\x07") == ["\x1b]0;pwned\x07"]
    assert foreign_sequences(b"\x1b[?1049l") == []      # Textual leaves the alt screen itself
    assert foreign_sequences(b"\x1b[?9999h") == ["\x1b[?9999h"]
