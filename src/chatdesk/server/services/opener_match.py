"""Whether an opener rule's conditions hold for a visitor now, and which visitors of a rule form
its control group. Pure functions: the facts are read elsewhere (services/openers.py)."""
from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Facts:
    """What is known about a visitor's visit when a rule is checked."""
    url: str
    page_seconds: float
    visit_count: int
    referrer: str
    utm_source: str
    utm_campaign: str
    cart_value: float | None


def matches(conditions: dict[str, Any], facts: Facts) -> tuple[bool, float | None]:
    """(holds now, seconds until it would hold when only the time on the page is missing)."""
    c = conditions
    if c.get("url_pattern") and not fnmatch.fnmatchcase(facts.url.lower(), c["url_pattern"].lower()):
        return False, None
    if c.get("min_visits") is not None and facts.visit_count < c["min_visits"]:
        return False, None
    if c.get("max_visits") is not None and facts.visit_count > c["max_visits"]:
        return False, None
    kind = c.get("visitor", "any")
    if (kind == "new" and facts.visit_count > 1) or (kind == "returning" and facts.visit_count < 2):
        return False, None
    for key, value in (("referrer_contains", facts.referrer), ("utm_source", facts.utm_source),
                       ("utm_campaign", facts.utm_campaign)):
        if c.get(key) and c[key].lower() not in value.lower():
            return False, None
    if c.get("min_cart_value") is not None and (facts.cart_value or 0.0) < c["min_cart_value"]:
        return False, None
    wait = (c.get("min_page_seconds") or 0.0) - facts.page_seconds
    if wait > 0:
        return False, wait
    return True, None


def in_control(rule_id: int, visitor_id: str, control_percent: float) -> bool:
    """Deterministic: the same visitor always lands in the same group of the same rule, and the
    groups of different rules are independent."""
    digest = hashlib.sha256(f"{rule_id}:{visitor_id}".encode()).digest()
    position = int.from_bytes(digest[:8], "big") / 2 ** 64 * 100.0
    return position < control_percent


def render(texts: dict[str, str], default_language: str, language: str, variables: dict[str, str]) -> str:
    """The rule's text in the visitor's language (exact, then its base language, then the
    default), with {visitor.name}-style variables filled in; unknown ones stay as written."""
    lang = language.lower()
    by_lang = {k.lower(): v for k, v in texts.items()}
    text = (by_lang.get(lang) or by_lang.get(lang.split("-")[0]) or by_lang.get(default_language.lower())
            or next(iter(texts.values()), ""))
    for name, value in variables.items():
        text = text.replace("{" + name + "}", value)
    return text
