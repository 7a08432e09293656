"""Opener conditions, the control-group assignment and the opener's text, as pure functions."""
from __future__ import annotations

import pytest

from chatdesk.server.services.opener_match import Facts, in_control, matches, render

PRODUCT = Facts(url="https://shop.test/product/boots", page_seconds=25, visit_count=2,
                referrer="https://search.example/?q=boots", utm_source="newsletter", utm_campaign="spring-sale",
                cart_value=80.0)
RULE = {"url_pattern": "*/product/*", "min_page_seconds": 20, "min_visits": 2}


def test_product_page_twenty_seconds_second_visit():
    assert matches(RULE, PRODUCT) == (True, None)
    assert matches(RULE, Facts(**{**PRODUCT.__dict__, "url": "https://shop.test/"})) == (False, None)
    assert matches(RULE, Facts(**{**PRODUCT.__dict__, "visit_count": 1})) == (False, None)
    early = matches(RULE, Facts(**{**PRODUCT.__dict__, "page_seconds": 5}))
    assert early[0] is False and early[1] == pytest.approx(15)          # beat again in 15 s


@pytest.mark.parametrize(("conditions", "holds"), [
    ({"visitor": "new"}, False), ({"visitor": "returning"}, True),
    ({"max_visits": 1}, False), ({"referrer_contains": "SEARCH"}, True),
    ({"utm_campaign": "spring"}, True), ({"utm_source": "ads"}, False),
    ({"min_cart_value": 80}, True), ({"min_cart_value": 80.01}, False), ({}, True),
])
def test_each_condition(conditions, holds):
    assert matches(conditions, PRODUCT)[0] is holds


def test_no_cart_reported_is_an_empty_cart():
    assert matches({"min_cart_value": 1}, Facts(**{**PRODUCT.__dict__, "cart_value": None}))[0] is False


def test_control_assignment_is_deterministic_and_per_rule():
    vids = [f"visitor-{i}" for i in range(4000)]
    first = [in_control(1, v, 10) for v in vids]
    assert first == [in_control(1, v, 10) for v in vids]                   # the same every time
    assert 320 <= sum(first) <= 480                                        # about a tenth (4 sigma)
    assert first != [in_control(2, v, 10) for v in vids]                   # another rule, other groups
    assert not any(in_control(1, v, 0) for v in vids) and all(in_control(1, v, 100) for v in vids)


def test_text_in_the_visitors_language_with_variables():
    texts = {"en": "Hi {visitor.name}, questions about {page.title}?", "de": "Hallo {visitor.name}!"}
    names = {"visitor.name": "Ola", "page.title": "Trail boots"}
    assert render(texts, "en", "de-AT", names) == "Hallo Ola!"
    assert render(texts, "en", "fr", names) == "Hi Ola, questions about Trail boots?"
    assert render(texts, "en", "", {"visitor.name": "Ola"}) == "Hi Ola, questions about {page.title}?"
