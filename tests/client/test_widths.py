"""Terminal-true widths (client/widths.py through the sanitiser): what is dropped, replaced and kept,
and that nothing Rich measures by a sequence rule or by a table that changed survives cleaning.
How real terminals draw the result: tests/client/test_widths_terminals.py and
tests/e2e/test_desk_widths.py."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, get_character_cell_size

from chatdesk.client.sanitize import clean, clean_line
from chatdesk.client.widths import MAX_MARKS_PER_RUN, even_widths
from tests.support.width_corpus import CONFUSING, ORDINARY

# Characters that matter here, mixed with ordinary letters so sequences form.
width_chars = st.sampled_from(
    ["a", "Z", " ", "\n", "中", "한", "\u1100", "\u1161", "\u11a8", "👍", "👨", "❤", "1", "🏴", "\u200d",
     "\ufe0f", "\ufe0e", "\U0001f3fd", "\U0001f1f3", "\U0001f1f4", "\U000e0067", "\U000e007f", "\u0301",
     "\u0336", "\u20e3", "\u0bbe", "\u093f", "\u3164", "\u115f", "\u1160", "\uffa0", "\ufff9", "\ufdd0",
     "\uffff", "\u00ad", "\u200b", "\u2630", "\u3248", "\u0378", "\t", "\u0e31", "é"])
width_text = st.lists(width_chars | st.characters(blacklist_categories=("Cs",)), max_size=80).map("".join)


@pytest.mark.parametrize("name,text", ORDINARY, ids=[n for n, _ in ORDINARY])
def test_ordinary_text_is_kept(name, text):
    assert clean(text) == text
    assert clean_line(text) == text


@pytest.mark.parametrize("raw,expected", [
    ("Eve\u3164\u3164\u115f\u1160\uffa0X", "EveX"),                      # Hangul fillers
    ("\ufff9ruby\ufffaannotation\ufffb", "rubyannotation"),             # interlinear annotation
    ("a\u200bb\u200cc\u200dd\u2060e\ufeff\u00adf", "abcdef"),             # zero-width and soft hyphen
    ("hi" + "".join(chr(0xE0000 + ord(c)) for c in "secret"), "hi"),    # tag characters
    ("கா" + "\u0bbe" * 30, "க"),                                        # spacing marks
    ("👨\u200d👩\u200d👧", "👨👩👧"),                                   # ZWJ sequence taken apart
    ("👍🏽 \U0001f3ff", "👍 "),                                           # skin tones
    ("🇳🇴 🇫🇮 🇵", "NO FI P"),                                           # flags as country codes
    ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", "🏴"),
    ("❤\ufe0f 1\ufe0f\u20e3 ☺\ufe0e", "❤ 1\u20e3 ☺"),                  # variation selectors
    ("\ufdd0\uffff\U0010fffe", "\ufffd" * 3),                            # noncharacters
    ("\u0378\U0001fae9", "\ufffd\ufffd"),                                # unassigned here
    ("☰䷀𝌀𝍠\u3248", "\ufffd" * 5),                                      # widths that changed
    ("\u0301x \u0302y\n\u0303z", "x y\nz"),                              # marks with no base
    ("x\u1161\u11a8 \u1100\u1161\u11a8", "x \u1100\u1161\u11a8"),        # jamo only in a syllable
])
def test_what_changes(raw, expected):
    assert clean(raw) == expected


def test_runs_of_marks_are_capped_per_base():
    assert even_widths("e" + "\u0301" * 50 + "a" + "\u0302" * 3) == "e" + "\u0301" * MAX_MARKS_PER_RUN + "a" + "\u0302" * 3
    assert clean_line("\u0336" * 2000) == ""


def _plain_sum(text: str) -> int:
    return sum(get_character_cell_size(ch) for ch in text)


@pytest.mark.parametrize("name,text", CONFUSING + ORDINARY, ids=[n for n, _ in CONFUSING + ORDINARY])
def test_rich_measures_cleaned_text_character_by_character(name, text):
    """Rich's sequence rules (ZWJ, VS16) never apply to cleaned text: its width is the sum of
    its characters' widths, which the terminals' tables can be compared with one by one."""
    for out in (clean(text), clean_line(text)):
        assert "\u200d" not in out and "\ufe0f" not in out
        assert cell_len(out) == _plain_sum(out)


@given(width_text, st.integers(min_value=1, max_value=100))
@settings(max_examples=300, deadline=None)
def test_widths_properties(text, limit):
    out = clean(text, limit)
    assert clean(out, limit) == out
    assert cell_len(out) == _plain_sum(out)
    assert "\t" not in out
    evened = even_widths(text)
    assert even_widths(evened) == evened
    for cut in range(0, len(evened), 7):                  # a prefix of the output is kept as it is
        assert even_widths(evened[:cut]) == evened[:cut]


def test_every_character_whose_width_changed_is_replaced():
    """A character kept is as wide in Rich's Unicode 14.0 table as in its latest, so older terminal
    tables and newer ones agree on it (what this Python's database does not know is replaced too)."""
    width = get_character_cell_size.__wrapped__           # uncached: a million code points
    kept = []
    for cp in range(0x20, 0xF0000):                       # planes 15 and 16 are private use only
        ch = chr(cp)
        if unicodedata.category(ch) in ("Cn", "Cs") or width(ch, "14.0.0") == width(ch, "latest"):
            continue
        if even_widths(ch) == ch:
            kept.append(f"U+{cp:04X}")
    assert kept == []
