"""Splitting long answers into parts, and the canned-reply filler and ranking."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chatdesk.client.canned import context_for, fill, rank, variables_of
from chatdesk.client.parts import split_parts
from chatdesk.protocol.models import CannedReply, Operator, Visitor


def test_short_text_is_one_part():
    assert split_parts("  Hello there.  ", 160) == ["Hello there."]
    assert split_parts("   ", 10) == []


def test_splits_at_sentence_ends():
    text = "Your order shipped today. It should arrive on Friday! Anything else I can help with?"
    assert split_parts(text, 60) == ["Your order shipped today. It should arrive on Friday!",
                                     "Anything else I can help with?"]
    assert split_parts('He said "done." Then left.', 16) == ['He said "done."', "Then left."]


def test_long_sentence_splits_between_words_not_inside():
    text = "one two three four five six seven eight nine ten eleven twelve"
    parts = split_parts(text, 20)
    assert all(len(p) <= 20 for p in parts)
    assert " ".join(parts) == text
    assert all(w in text.split() for p in parts for w in p.split())


def test_only_a_giant_word_is_cut():
    assert split_parts("see https://example.com/" + "a" * 30, 12)[0] == "see"
    parts = split_parts("x" * 25, 10)
    assert parts == ["x" * 10, "x" * 10, "x" * 5]


@given(st.text(alphabet=st.sampled_from(list("abc .!?\n")), max_size=300), st.integers(1, 50))
@settings(max_examples=300, deadline=None)
def test_parts_properties(text, n):
    parts = split_parts(text, n)
    assert all(0 < len(p) <= n for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())   # nothing lost, order kept


VISITOR = Visitor(id="v1", name="Maria Lopez", email="", first_seen=1, last_seen=2,
                  current_title="Blue kettle", current_url="https://shop/kettle")
OPERATOR = Operator(id=1, email="ana@x", name="Ana Smith", role="operator")


def test_fill_and_missing_variables():
    body = "Hi {visitor.first_name}, I'm {operator.name}. About {page.title}: mail {visitor.email}? {visitor.email}"
    text, missing = fill(body, context_for(VISITOR, OPERATOR))
    assert text == "Hi Maria, I'm Ana Smith. About Blue kettle: mail {visitor.email}? {visitor.email}"
    assert missing == ["visitor.email"]
    text, missing = fill(text, {"visitor.email": "m@example.com"})
    assert missing == [] and text.endswith("mail m@example.com? m@example.com")
    assert variables_of(body) == ["visitor.first_name", "operator.name", "page.title", "visitor.email"]
    assert fill("no vars {not a var}", {}) == ("no vars {not a var}", [])


REPLIES = [
    CannedReply(id=1, shortcut="hello", title="Greeting", body="Hi {visitor.name}!", tags=["start"]),
    CannedReply(id=2, shortcut="ship", title="Shipping times", body="We ship in 2 days.", tags=["delivery"]),
    CannedReply(id=3, shortcut="refund", title="Refund policy", body="Refunds within 30 days.", tags=["money", "returns"]),
    CannedReply(id=4, shortcut="wait", title="One moment", body="One moment, I am checking.", tags=[]),
]


def test_rank_prefers_shortcut_then_tags_title_body():
    assert [r.id for r in rank(REPLIES, "")] == [1, 3, 2, 4]
    assert rank(REPLIES, "/ship")[0].id == 2
    assert rank(REPLIES, "ref")[0].id == 3
    assert [r.id for r in rank(REPLIES, "money")] == [3]
    assert [r.id for r in rank(REPLIES, "deliv")] == [2]
    assert [r.id for r in rank(REPLIES, "checking")] == [4]        # body only
    assert [r.id for r in rank(REPLIES, "rfd")] == [3]             # fuzzy subsequence
    assert rank(REPLIES, "refund days")[0].id == 3                 # every word must match
    assert rank(REPLIES, "zzz") == []


def test_page_title_leaves_the_shop_s_name_out():
    from chatdesk.client.canned import page_title
    from chatdesk.protocol.models import PageView, VisitorDetail
    shop = Visitor(id="v2", name="Ines", first_seen=1, last_seen=2, current_url="https://shop/p",
                   current_title="Trail Runner 2 — Northwind Outfitters")
    text, missing = fill("Our {page.title} runs true to size.", context_for(shop, None))
    assert text == "Our Trail Runner 2 runs true to size." and not missing
    assert page_title("Checkout | Shop") == "Checkout" and page_title("Blue kettle") == "Blue kettle"
    # " - " is part of many product names: cut only when every page of the visit ends the same way.
    assert page_title("T-shirt - blue") == "T-shirt - blue"
    assert page_title("Wool socks - Acme", ["Home - Acme", "Wool socks - Acme"]) == "Wool socks"
    assert page_title("Wool socks - Acme", ["Home - Acme", "Cart - Other"]) == "Wool socks - Acme"
    assert page_title(" — Northwind") == "— Northwind"           # nothing before the separator: kept whole
    many = VisitorDetail(**{**shop.model_dump(), "current_title": "Socks - Acme",
                            "pageviews": [PageView(url="u", title="Home - Acme", ts=1), PageView(url="u2", title="Socks - Acme", ts=2)]})
    assert context_for(many, None)["page.title"] == "Socks"
