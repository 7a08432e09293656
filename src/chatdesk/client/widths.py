"""Terminal-true widths: untrusted text made to measure the same in Rich (which Textual lays out with)
and in real terminals (measured here: tmux and pyte), so no row of the desk spills into the next panel.

Rich gives each character a width from its own Unicode tables and has rules for a few sequences
(a zero-width joiner swallows the next character, VS16 widens the one before it); terminals use their
libc's or their own tables, each of another Unicode version, and a few join sequences into one cell.
Where they disagree the text is changed, so that what is left is measured alike everywhere:

- dropped: format characters (category Cf: zero-width space and joiners, word joiner, BOM, soft
  hyphen, interlinear annotation, tags, Arabic number signs) and the other default-ignorable code
  points (variation selectors, Hangul fillers U+115F U+1160 U+3164 U+FFA0, CGJ, Mongolian and
  Khmer ones): Rich counts some of them 0 and terminals 1 or 2, and ZWJ and VS16 make Rich join or
  widen what terminals draw apart. Emoji sequences therefore fall apart into their single emoji,
  each as wide as Rich says (a family is its faces, a keycap a digit and a frame).
- dropped: spacing marks (category Mc, e.g. Tamil U+0BBE, Devanagari U+093E): Rich counts them 0,
  tmux (the C library's wcwidth) 1 each. Indic words lose those vowel signs.
- dropped: emoji skin-tone modifiers U+1F3FB-1F3FF: Rich counts them 0, terminals 2 (or 0, joined).
- dropped: conjoining Hangul vowels and finals that follow no Hangul jamo (alone some terminals
  draw them a cell wide); in a syllable they stay.
- replaced by the ASCII letter: regional indicators (flags): 1 cell in Rich and tmux, 2 in wcwidth,
  pairs joined into one 2-cell flag in newer terminals. A flag shows as its country code, "NO".
- replaced by U+FFFD: code points this Python's Unicode database does not know (noncharacters and
  characters newer than it: older terminal tables draw them 0 or 1 cell, Rich 1 or 2), the symbols
  Unicode 16 made wide (trigrams, hexagrams, Tai Xuan Jing, counting rods: Rich 2, most terminals
  1), and U+3248-324F (Rich 1, glibc 2).
- combining marks (Mn, Me) stay on a base character, at most MAX_MARKS_PER_RUN of them (Zalgo
  floods); a mark with no base (at the start, after a space or a newline) is dropped, as a terminal
  would put it on whatever cell is before it, a border included.
- tabs (in `clean`, sanitize.py) become spaces: where a tab stops depends on the column.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

MAX_MARKS_PER_RUN = 4
REPLACEMENT = "\ufffd"

_KEEP, _DROP, _MARK, _JAMO_LEAD, _JAMO_TAIL = range(5)

# Default-ignorable code points that are not of category Cf (those go by category).
_IGNORABLE = ((0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
              (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
              (0xE0000, 0xE0FFF))
_SKIN_TONES = (0x1F3FB, 0x1F3FF)
_REGIONAL = (0x1F1E6, 0x1F1FF)
# Rich's width differs from the terminals': Unicode 16 made these wide; U+3248-324F glibc counts 2.
_UNSTABLE = ((0x2630, 0x2637), (0x268A, 0x268F), (0x3248, 0x324F), (0x4DC0, 0x4DFF), (0x1D300, 0x1D356),
             (0x1D360, 0x1D376))
# Conjoining Hangul jamo: leading consonants, then vowels and finals (which join onto them).
_JAMO_LEADS = ((0x1100, 0x115E), (0xA960, 0xA97C))
_JAMO_TAILS = ((0x1161, 0x11FF), (0xD7B0, 0xD7FF))


def _within(cp: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


@lru_cache(maxsize=8192)
def _kind(ch: str) -> int | str:
    """What happens to one character: _KEEP, _DROP, _MARK, a jamo kind, or its replacement text."""
    cp = ord(ch)
    cat = unicodedata.category(ch)
    if cat in ("Cf", "Mc") or _within(cp, _IGNORABLE) or _SKIN_TONES[0] <= cp <= _SKIN_TONES[1]:
        return _DROP
    if _REGIONAL[0] <= cp <= _REGIONAL[1]:
        return chr(ord("A") + cp - _REGIONAL[0])
    if cat == "Cn" or _within(cp, _UNSTABLE):
        return REPLACEMENT
    if cat in ("Mn", "Me"):
        return _MARK
    if _within(cp, _JAMO_LEADS):
        return _JAMO_LEAD
    if _within(cp, _JAMO_TAILS):
        return _JAMO_TAIL
    return _KEEP


def even_widths(text: str) -> str:
    """`text` with the characters that Rich and terminals measure differently dropped or replaced.

    Applying it twice gives the same text as once, and so does applying it to any prefix of its output
    (each choice depends only on the characters kept before)."""
    out: list[str] = []
    marks = 0
    base = False          # the last character kept can carry combining marks
    jamo = False          # ... is a Hangul jamo a vowel or final joins onto
    for ch in text:
        kind = _kind(ch)
        if kind == _DROP:
            continue
        if kind == _MARK:
            if not base or marks >= MAX_MARKS_PER_RUN:
                continue
            marks += 1
            out.append(ch)
            continue
        if kind == _JAMO_TAIL:
            if not jamo:
                continue
        elif isinstance(kind, str):
            ch = kind
        marks = 0
        base = not ch.isspace()
        jamo = kind in (_JAMO_LEAD, _JAMO_TAIL)
        out.append(ch)
    return "".join(out)
