"""Split a long answer into parts a visitor reads comfortably: at sentence ends when possible,
else between words, and inside a word only when one word alone is longer than a part."""
from __future__ import annotations

import re
from collections.abc import Callable

# A sentence ends at . ! ? or … (optionally followed by a closing quote or bracket) and whitespace;
# a line break always ends one. The separators are kept so a part reads as it was typed.
_SENTENCE_SEP = re.compile(r"((?<=[.!?…][\"'”’»)\]])\s+|(?<=[.!?…])\s+|\s*\n\s*)")
_WORD_SEP = re.compile(r"(\s+)")


def split_parts(text: str, max_len: int = 160) -> list[str]:
    """Parts of at most `max_len` characters, in order, none empty; joined they hold every word."""
    if max_len < 1:
        raise ValueError("max_len must be at least 1")
    text = text.strip()
    if len(text) <= max_len:
        return [text] if text else []
    return _pack(_SENTENCE_SEP.split(text), max_len, _split_sentence)


def _split_sentence(sentence: str, max_len: int) -> list[str]:
    return _pack(_WORD_SEP.split(sentence), max_len, _split_word)


def _split_word(word: str, max_len: int) -> list[str]:
    return [word[i:i + max_len] for i in range(0, len(word), max_len)]


def _pack(pieces: list[str], max_len: int, too_long: Callable[[str, int], list[str]]) -> list[str]:
    """pieces alternate text, separator, text, ...; glue neighbours while they fit."""
    parts: list[str] = []
    current, sep = "", ""
    for i, piece in enumerate(pieces):
        if i % 2:               # a separator: remembered, used only between two texts in one part
            sep = piece
            continue
        piece = piece.strip()
        if not piece:
            continue
        candidate = f"{current}{sep}{piece}" if current else piece
        if len(candidate) <= max_len:
            current = candidate
            continue
        if current:
            parts.append(current)
        if len(piece) <= max_len:
            current = piece
        else:
            *full, current = too_long(piece, max_len)
            parts.extend(full)
    if current:
        parts.append(current)
    return parts
