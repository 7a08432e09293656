"""Read what a program wrote to its terminal and list every control sequence Textual itself would
not have written. Built from what Textual writes when it draws the desk with plain text (SGR colours,
cursor moves, its own mode switches and queries, OSC 22 pointer shape); anything else came from
somewhere else, such as a visitor's message."""
from __future__ import annotations

import re

_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"            # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC (terminated or not)
    r"|\x1b[P_^X][^\x1b]*(?:\x1b\\)?"      # DCS, APC, PM, SOS
    r"|\x1b[ -/]*[0-~]"                    # other ESC sequences (RIS, charset, keypad, ...)
    r"|\x1b"                               # a lone ESC
)

_TEXTUAL_MODES = {"1", "7", "12", "25", "1000", "1002", "1003", "1004", "1006", "1015", "1049", "2004", "2026", "2048"}

_ALLOWED = [
    re.compile(r"\x1b\[[0-9;:]*m"),                      # colours and styles
    re.compile(r"\x1b\[\d+;\d+H"),                        # cursor moves (always row;column)
    re.compile(r"\x1b\[\?(\d+)[hl]"),                    # DEC modes (checked against the list)
    re.compile(r"\x1b\[\?(\d+)\$p"),                     # DECRQM: Textual asks what the terminal supports
    re.compile(r"\x1b\[[><=]?[0-9]*u"),                   # kitty keyboard protocol push / pop / query
    re.compile(r"\x1b\[\?u"),
    re.compile(r"\x1b\]22;[a-z-]+\x07"),                  # OSC 22: mouse pointer shape
]

_ALLOWED_C0 = {"\n", "\r", "\t", "\x07", "\x1b"}


def foreign_sequences(written: bytes) -> list[str]:
    """Every control sequence or control character in `written` that Textual does not produce."""
    text = written.decode("utf-8", "replace")
    found: list[str] = []
    for m in _SEQUENCE.finditer(text):
        seq = m.group(0)
        ok = False
        for rule in _ALLOWED:
            hit = rule.fullmatch(seq)
            if hit:
                ok = not hit.groups() or hit.group(1) in _TEXTUAL_MODES
                break
        if not ok:
            found.append(seq)
    stripped = _SEQUENCE.sub("", text)
    for ch in stripped:
        code = ord(ch)
        if (code < 0x20 and ch not in _ALLOWED_C0) or code == 0x7F or 0x80 <= code <= 0x9F:
            found.append(ch)
        elif ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
            found.append(ch)
    return found


def leaked_payloads(written: bytes, payloads: list[tuple[str, str]]) -> list[str]:
    """Names of payloads whose raw control bytes reach the terminal verbatim. This catches what
    `foreign_sequences` cannot tell apart from Textual's own output (a colour or a cursor move):
    Textual never puts such a sequence between two characters of one piece of text."""
    text = written.decode("utf-8", "replace")
    leaked = []
    for name, payload in payloads:
        for m in _SEQUENCE.finditer(payload):
            if m.group(0) == "\x1b" and m.end() == len(payload):
                continue   # a trailing lone ESC looks like the start of Textual's next sequence
            around = payload[max(0, m.start() - 3): m.end() + 3]
            if around != m.group(0) and around in text:
                leaked.append(name)
                break
    return leaked
