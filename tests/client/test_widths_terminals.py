"""Cleaned text is as wide in real terminal emulators as Rich (and so Textual) measures it: pyte, and a
real tmux pane (tests/support/width_probe.py). Every code point goes through both, in runs of
neighbours so sequences form, and so do the width corpus and random mixes; the probes themselves
are shown to tell when the raw text does not agree."""
from __future__ import annotations

import random
import unicodedata

import pytest
from rich.cells import cell_len

from chatdesk.client.sanitize import clean, clean_line
from tests.support.width_corpus import CONFUSING, ORDINARY
from tests.support.width_probe import TmuxPane, pyte_advance

# What the raw text does on each probe, before cleaning: Rich and the terminal disagree.
RAW_DISAGREES_IN_TMUX = ["hangul-filler-3164", "halfwidth-hangul-filler", "spacing-mark-run", "tamil-word",
                         "zwj-between-letters", "skin-tones", "vs16-text-symbols", "keycaps", "noncharacters",
                         "unassigned", "unicode16-wide-symbols", "circled-numbers-on-black", "tabs", "mixed"]
RAW_DISAGREES_IN_PYTE = ["flags", "odd-regional-indicators", "skin-tones", "vs16-text-symbols",
                         "zwj-family", "tabs"]
SAMPLES = CONFUSING + ORDINARY


# Big blocks of one kind (CJK ideographs, Hangul syllables, Yi, private use, Tangut): one in eight.
UNIFORM = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA000, 0xA48F), (0xAC00, 0xD7A3), (0xE000, 0xF8FF),
           (0x17000, 0x18AFF), (0x20000, 0x3FFFF))


def code_point_runs(size: int) -> list[str]:
    """Every assigned code point of planes 0, 1 and 14 (one in eight of the big uniform blocks and
    of the ideograph planes 2 and 3), one in sixteen of the unassigned ones, every noncharacter, a few
    of the private-use planes 15 and 16; in runs of `size` neighbours (so marks follow their
    scripts' letters), cleaned as one line."""
    def wanted(cp: int) -> bool:
        if 0xD800 <= cp < 0xE000:
            return False
        if any(lo <= cp <= hi for lo, hi in UNIFORM):
            return cp % 8 == 0
        return unicodedata.category(chr(cp)) != "Cn" or cp % 16 == 0 or 0xFDD0 <= cp <= 0xFDEF

    cps = [cp for cp in [*range(0x20, 0x40000), *range(0xE0000, 0xE1000)] if wanted(cp)]
    cps += list(range(0xF0000, 0x110000, 4099))
    cps += [plane + low for plane in range(0x00000, 0x110000, 0x10000) for low in (0xFFFE, 0xFFFF)]
    return [clean_line("".join(map(chr, cps[i:i + size])), 10 ** 6) for i in range(0, len(cps), size)]


def random_mixes(count: int, seed: int = 16) -> list[str]:
    """Random strings of corpus pieces, single characters from anywhere and ordinary letters."""
    rng = random.Random(seed)
    pieces = [t for _, t in SAMPLES] + ["a", " ", "\n", "中", "\u200d", "\ufe0f", "\u0301", "\U0001f3fd"]
    singles = [chr(cp) for cp in range(0x20, 0x30000) if not 0xD800 <= cp < 0xE000]
    return ["".join(rng.choice(pieces) if rng.random() < 0.7 else rng.choice(singles)
                    for _ in range(rng.randrange(1, 12))) for _ in range(count)]


def _cleaned(text: str) -> list[str]:
    return [clean_line(text), *clean(text).split("\n")]


@pytest.fixture(scope="module")
def pane():
    p = TmuxPane()
    yield p
    p.close()


# --- pyte --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,text", SAMPLES, ids=[n for n, _ in SAMPLES])
def test_corpus_measures_the_same_in_pyte(name, text):
    for out in _cleaned(text):
        assert pyte_advance(out) == cell_len(out), repr(out)


def test_every_code_point_measures_the_same_in_pyte():
    wrong = [run[:12] for run in code_point_runs(500) if pyte_advance(run) != cell_len(run)]
    assert wrong == []


def test_random_mixes_measure_the_same_in_pyte():
    wrong = [out for text in random_mixes(400) for out in _cleaned(text) if pyte_advance(out) != cell_len(out)]
    assert wrong == []


def test_pyte_tells_when_raw_text_does_not_agree():
    raw = dict(CONFUSING)
    agree = [n for n in RAW_DISAGREES_IN_PYTE if pyte_advance(raw[n].replace("\n", " ")) == cell_len(raw[n])]
    assert agree == []


# --- tmux --------------------------------------------------------------------------------------

def test_corpus_measures_the_same_in_tmux(pane):
    wrong = [(name, out) for name, text in SAMPLES for out in _cleaned(text) if pane.advance(out) != cell_len(out)]
    assert wrong == []


def test_every_code_point_measures_the_same_in_tmux(pane):
    wrong = [run[:12] for run in code_point_runs(1000) if pane.advance(run) != cell_len(run)]
    assert wrong == []


def test_random_mixes_measure_the_same_in_tmux(pane):
    outs = [out for text in random_mixes(400) for out in _cleaned(text)]
    batches: list[list[str]] = [[]]
    for out in outs:                             # a pane write per batch, each within the pane's width
        if cell_len(" ".join(batches[-1] + [out])) > pane.columns - 10:
            batches.append([])
        batches[-1].append(out)
    wrong = [b for b in map(" ".join, batches) if pane.advance(b) != cell_len(b)]
    assert [o for b in wrong for o in b.split(" ") if pane.advance(o) != cell_len(o)] == wrong == []


def test_tmux_tells_when_raw_text_does_not_agree(pane):
    raw = dict(CONFUSING)
    agree = [n for n in RAW_DISAGREES_IN_TMUX if pane.advance(raw[n]) == cell_len(raw[n])]
    assert agree == []
