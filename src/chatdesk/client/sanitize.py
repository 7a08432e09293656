"""The one sanitiser for untrusted text (visitor messages, names, titles, URLs, notes, ...).

Textual and Rich pass ESC straight to the terminal, so everything a visitor controls goes through
`clean` (multi-line text) or `clean_line` (one-line fields) before the desk renders it. Guarantees,
checked by property tests: the output holds no ESC, no C0 control but `\\n` (a tab becomes spaces:
where it stops depends on the column, which only the terminal knows), no DEL, no C1, no bidi
control, no lone surrogate; every character measures the same in Rich and in real terminals
(client/widths.py: no format or default-ignorable character, no spacing mark, runs of combining
marks capped, emoji sequences taken apart); the length is capped; and cleaning twice gives the same
text as cleaning once.
"""
from __future__ import annotations

import re
from typing import Any, TypeVar, cast

from .widths import even_widths

T = TypeVar("T")

ELLIPSIS = "…"
TAB = "    "      # what a tab in multi-line text becomes

# Escape sequences removed whole, payload included (7-bit and 8-bit introducers):
#   OSC/DCS/SOS/PM/APC run to ST (ESC \ or 0x9C) or BEL, or to the end if never terminated;
#   CSI runs to its final byte; any other ESC takes its intermediates and one final byte.
_STRING_SEQ = r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x9c\x1b]*(?:\x07|\x9c|\x1b\\|(?=\x1b)|\Z)"
_CSI_SEQ = r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
_OTHER_ESC = r"\x1b[\x20-\x2f]*[\x30-\x7e]?"
_ESCAPES = re.compile(f"{_STRING_SEQ}|{_CSI_SEQ}|{_OTHER_ESC}")

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# C0 but \t and \n, DEL, C1, lone surrogates.
_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff"
                        + "".join(sorted(_BIDI)) + "]")
_NEWLINES = re.compile("\r\n|[\r\u2028\u2029\x85]")


def _strip(text: str) -> str:
    text = _NEWLINES.sub("\n", text)          # CR alone would move the cursor back over a line
    text = _ESCAPES.sub("", text)
    return _BAD_CHARS.sub("", text)


def _cap_length(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    return text[: limit - 1] + ELLIPSIS


def _plain(text: str, limit: int) -> bool:
    """Printable ASCII within the limit: nothing to do (most text; keeps big transcripts fast)."""
    return len(text) <= limit and text.isascii() and text.isprintable()


def clean(text: object, limit: int = 8000) -> str:
    """Multi-line untrusted text made inert: safe to show in a terminal, never longer than `limit`."""
    s = text if isinstance(text, str) else "" if text is None else str(text)
    if _plain(s, limit):
        return s
    return _cap_length(even_widths(_strip(s)).replace("\t", TAB), limit)


def clean_line(text: object, limit: int = 300) -> str:
    """Like `clean`, for one-line fields (names, titles, URLs): newlines and tabs become spaces."""
    s = text if isinstance(text, str) else "" if text is None else str(text)
    if _plain(s, limit):
        return s
    one_line = even_widths(_strip(s)).replace("\n", " ").replace("\t", " ")
    return _cap_length(one_line, limit)


# --- whole wire models --------------------------------------------------------------------------

# Fields that may hold several lines; every other string is a one-line field.
MULTILINE_FIELDS = frozenset({"body", "summary", "note", "first_message", "follow_up", "text", "message",
                              "done_note"})
LIMITS = {"body": 8000, "summary": 4000, "note": 4000, "follow_up": 4000, "first_message": 500,
          "text": 500, "url": 2048, "current_url": 2048, "referrer": 2048, "message": 8000, "done_note": 4000}


def clean_value(value: T, field: str = "") -> T:
    """Clean every string inside a pydantic model, list or dict (returns a cleaned copy).

    Ids are cleaned too: a hostile visitor id must not reach the terminal either, and the same
    input always gives the same output, so matching by id keeps working."""
    # The copy has the type of the original (str, list, tuple, dict or a model_copy), which the
    # walk below cannot spell for mypy.
    return cast(T, _clean_value(value, field))


def _clean_value(value: Any, field: str) -> Any:
    if isinstance(value, str):
        limit = LIMITS.get(field)
        if field in MULTILINE_FIELDS:
            return clean(value, limit or 8000)
        return clean_line(value, limit or 300)
    if isinstance(value, list):
        return [_clean_value(v, field) for v in value]
    if isinstance(value, tuple):
        return tuple(_clean_value(v, field) for v in value)
    if isinstance(value, dict):
        return {k: _clean_value(v, k if isinstance(k, str) else field) for k, v in value.items()}
    if getattr(type(value), "model_fields", None) is not None:
        # a pydantic model: a copy with the fields that changed. Its __dict__ holds the fields
        # (extra ones are ignored); plain strings and numbers are passed over here, without a
        # call each (a desk's first snapshot has thousands of values).
        update = {}
        for name, old in value.__dict__.items():
            kind = type(old)
            if kind is str:
                if _plain(old, LIMITS.get(name) or (8000 if name in MULTILINE_FIELDS else 300)):
                    continue
            elif old is None or kind is int or kind is float or kind is bool:
                continue
            new = _clean_value(old, name)
            if new is not old and new != old:
                update[name] = new
        return value.model_copy(update=update) if update else value
    return value
