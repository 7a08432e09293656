"""The one sanitiser: hostile corpus, hand-written cases and properties (hypothesis)."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from chatdesk.client.sanitize import ELLIPSIS, clean, clean_line, clean_value
from chatdesk.protocol.models import Message, QueueEntry
from tests.support.hostile import text_payloads

BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def assert_inert(out: str, *, line: bool = False) -> None:
    assert "\x1b" not in out
    assert not FORBIDDEN.search(out), repr(out)
    assert not BIDI.intersection(out), repr(out)
    if line:
        assert "\n" not in out and "\t" not in out


# Text with a high share of the characters that matter: controls, ESC pieces, bidi, marks.
nasty_chars = st.sampled_from(
    ["\x1b", "[", "]", "P", "_", "^", "X", "\\", "\x07", "\x9b", "\x9c", "\x9d", "\x90", "\x85",
     "\r", "\n", "\t", "\x00", "\x7f", "\u202e", "\u2066", "\u200b", "\u200d", "\u0301", "\u0489",
     "\ufe0f", "\U000e0067", "\ud800", "\udfff", "0", ";", "m", "a", " ", "é", "€", "\u2028"])
nasty_text = st.lists(nasty_chars | st.characters(), max_size=200).map("".join)


@given(nasty_text, st.integers(min_value=1, max_value=120))
@settings(max_examples=400, deadline=None)
def test_clean_properties(text, limit):
    out = clean(text, limit)
    assert_inert(out)
    assert len(out) <= limit
    assert clean(out, limit) == out                    # idempotent
    line = clean_line(text, limit)
    assert_inert(line, line=True)
    assert len(line) <= limit
    assert clean_line(line, limit) == line


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_clean_properties_any_unicode(text):
    out = clean(text, 100)
    assert_inert(out)
    assert clean(out, 100) == out


def test_hostile_corpus_is_inert():
    payloads = text_payloads()
    assert len(payloads) >= 100
    for name, payload in payloads:
        for out in (clean(payload), clean_line(payload)):
            assert "\x1b" not in out, name
            assert not FORBIDDEN.search(out), name
            assert not BIDI.intersection(out), name


def test_escape_sequences_go_with_their_payloads():
    assert clean("\x1b]0;pwned title\x07hello") == "hello"
    assert clean("\x1b]52;c;cm0gLXJmIH4K\x1b\\after") == "after"
    assert clean("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\") == "click"
    assert clean("\x1b[2J\x1b[1;1HFAKE") == "FAKE"
    assert clean("\x1b[?1049lX") == "X"
    assert clean("\x1bPq#0;2;0;0;0\x1b\\ok") == "ok"
    assert clean("\x1b_Gf=100;AAAA\x1b\\ok") == "ok"
    assert clean("\x9b2J\x9d0;title\x9cok") == "ok"
    assert clean("\x1bcreset") == "reset"          # ESC c is RIS; 'c' is its final byte
    assert clean("a\x1b") == "a"
    assert clean("\x1b]0;never terminated") == ""  # a terminal would swallow it all too


def test_plain_text_is_kept():
    text = "Hello Ana, your order #123 ships today.\n Thanks! Ünïcödé 日本語 🙂 👍 🏴 [b]not markup[/b]"
    assert clean(text) == text
    assert clean_line("a\nb\tc") == "a b c"
    assert clean("a\tb") == "a    b"                     # a tab's stop is the terminal's business


def test_newlines_are_normalised():
    assert clean("a\r\nb\rc\u2028d") == "a\nb\nc\nd"


def test_controls_and_bidi_are_removed():
    assert clean("a\x00b\x08c\x7fd\x85e") == "abcd\ne"     # NEL (0x85) counts as a newline
    assert clean("abc\u202edcb\u2066x\u2069\u200e") == "abcdcbx"
    assert clean("x\ud800y") == "xy"


def test_floods_are_capped():
    zalgo = "e" + "\u0301" * 500
    assert clean(zalgo) == "e" + "\u0301" * 4
    assert clean("a" + "\u200b" * 1000 + "b") == "ab"       # zero-width characters go (client/widths.py)
    assert clean("a" + "\u200b\u0301" * 50) == "a" + "\u0301" * 4


def test_length_is_capped_with_ellipsis():
    assert clean("x" * 9000) == "x" * 7999 + ELLIPSIS
    assert len(clean("x" * 9000)) == 8000
    assert clean_line("y" * 400) == "y" * 299 + ELLIPSIS
    assert clean("abc", 3) == "abc"
    assert clean("abcd", 3) == "ab" + ELLIPSIS


def test_clean_value_walks_models():
    msg = Message(id=1, conversation_id=2, seq=3, author_type="visitor", author_name="Eve\x1b]0;t\x07\n",
                  body="hi\x1b[31m\nthere", ts=1.0)
    out = clean_value(msg)
    assert out.author_name == "Eve " and out.body == "hi\nthere"
    entry = QueueEntry.model_validate({
        "conversation": {"id": 1, "visitor_id": "v\x1b", "state": "queued", "queued_at": 1.0,
                         "tags": ["a\u202eb"]},
        "visitor": {"id": "v\x1b", "name": "N\x9b2J", "first_seen": 1, "last_seen": 2,
                    "current_title": "T\x1b]0;x\x07itle"},
        "wait_seconds": 1.0, "first_message": "m\x07"})
    out = clean_value(entry)
    assert out.conversation.visitor_id == "v" and out.conversation.tags == ["ab"]
    assert out.visitor.name == "N" and out.visitor.current_title == "Title"
    assert out.first_message == "m"
    assert clean_value({"data": {"body": "x\x1b[1m", "n": 3}}) == {"data": {"body": "x", "n": 3}}
