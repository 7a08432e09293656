"""Desktop notifications through the terminal: OSC 9 (iTerm2, WezTerm, Windows Terminal, ConEmu,
ghostty, kitty) or OSC 777 (foot, urxvt, ghostty, VTE terminals that carry the patch), wrapped in
tmux's DCS passthrough when the desk runs inside tmux (tmux forwards it with
`set -g allow-passthrough on`).

The text is untrusted (a visitor's name, a page title): it goes through the one sanitiser and then
loses every character that could end or split the sequence (ESC, BEL, ST, and `;` in OSC 777's
fields), so nothing of it can become a sequence of its own.
"""
from __future__ import annotations

from collections.abc import Mapping

from chatdesk.client.sanitize import clean_line

KINDS = ("auto", "off", "osc9", "osc777")
MAX_TEXT = 200

# Terminals known to show OSC 9 or OSC 777 as a desktop notification, by what they set.
_OSC9_PROGRAMS = frozenset({"iTerm.app", "WezTerm", "ghostty", "vscode"})
_OSC777_TERMS = ("foot", "rxvt-unicode")


def detect(env: Mapping[str, str]) -> str:
    """The kind this terminal understands, "off" when it is not known to show either."""
    program = env.get("LC_TERMINAL") or env.get("TERM_PROGRAM", "")
    if program in _OSC9_PROGRAMS or env.get("WT_SESSION") or env.get("ConEmuPID") or env.get("KITTY_WINDOW_ID"):
        return "osc9"
    term = env.get("TERM", "")
    if term.startswith(_OSC777_TERMS):
        return "osc777"
    return "off"


def resolve(kind: str, env: Mapping[str, str]) -> str:
    """The configured kind, with "auto" (and anything unknown) decided from the environment."""
    return kind if kind in ("off", "osc9", "osc777") else detect(env)


def _field(text: str, kind: str) -> str:
    text = clean_line(text, MAX_TEXT).replace("\x9c", "")
    return text.replace(";", ",") if kind == "osc777" else text


def sequence(kind: str, title: str, body: str, in_tmux: bool) -> str:
    """The bytes to write for one notification ("" for "off")."""
    if kind == "osc9":
        both = f"{title}: {body}" if title else body
        seq = f"\x1b]9;{_field(both, kind)}\x07"
    elif kind == "osc777":
        seq = f"\x1b]777;notify;{_field(title, kind)};{_field(body, kind)}\x07"
    else:
        return ""
    if in_tmux:
        # DCS passthrough: every ESC inside is doubled, the whole is ended by ST.
        seq = "\x1bPtmux;" + seq.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return seq
