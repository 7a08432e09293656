"""The demo shop's opener rules, put in through the real REST API as a supervisor would with the
Openers screen: a returning visitor lingering on a product page, a full basket, and a newsletter
campaign's welcome that ran during the morning's shoppers and was paused afterwards."""
from __future__ import annotations

from typing import Any

import httpx

from chatdesk.demo.seed import PASSWORD, SUPERVISOR
from chatdesk.protocol.limits import API_PREFIX

SECOND_LOOK = "Product, 2nd visit"
BIG_BASKET = "Basket over 80 EUR"
# (names of at most 20 characters: the Openers screen's column)
NEWSLETTER = "Autumn newsletter"
PAUSED_AFTER_BURST = (NEWSLETTER,)     # the campaign is over: its figures stay, it no longer fires

# Highest priority first (the server keeps the order they are created in).
RULES: list[dict[str, Any]] = [
    {"name": SECOND_LOOK, "department": "sales", "control_percent": 20,
     "conditions": {"url_pattern": "*/shop/product.html*", "min_page_seconds": 20, "visitor": "returning"},
     "texts": {"en": "Back for another look at {page.title}? Ask me anything about sizes and fit.",
               "pl": "Wracasz do {page.title}? Zapytaj mnie o rozmiary i krój.",
               "fi": "Palasitko katsomaan {page.title}? Kysy minulta koosta ja istuvuudesta."}},
    {"name": NEWSLETTER, "control_percent": 20,
     "conditions": {"utm_campaign": "autumn"},
     "texts": {"en": "Welcome from our autumn newsletter! Questions about the sale? I'm here."}},
    # A new opener on trial: half the qualifying visitors are the control group, so its figures
    # tell soon whether it sells.
    {"name": BIG_BASKET, "department": "sales", "control_percent": 50,
     "conditions": {"min_cart_value": 80},
     "texts": {"en": "Your basket comes to {cart.value} {cart.currency}. Any questions before you check out?",
               "pl": "Twój koszyk to {cart.value} {cart.currency}. Masz pytania przed zamówieniem?"}},
]


def _supervisor(http: httpx.Client) -> dict[str, str]:
    answer = http.post("/auth/login", json={"email": SUPERVISOR, "password": PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def seed_rules(base_url: str) -> dict[str, int]:
    """Create the RULES that do not exist yet (by name); returns every rule's id by name."""
    with httpx.Client(base_url=base_url + API_PREFIX, timeout=20, trust_env=False) as http:
        staff = _supervisor(http)
        have = {r["name"]: r["id"] for r in http.get("/openers/rules", headers=staff).json()["rules"]}
        for rule in RULES:
            if rule["name"] not in have:
                made = http.post("/openers/rules", json=rule, headers=staff)
                made.raise_for_status()
                have[rule["name"]] = made.json()["id"]
        http.post("/auth/logout", headers=staff)
        return have


def pause_rules(base_url: str, names: tuple[str, ...] = PAUSED_AFTER_BURST) -> None:
    """Pause the named rules (the p key on the Openers screen does the same PATCH)."""
    with httpx.Client(base_url=base_url + API_PREFIX, timeout=20, trust_env=False) as http:
        staff = _supervisor(http)
        for rule in http.get("/openers/rules", headers=staff).json()["rules"]:
            if rule["name"] in names and rule["enabled"]:
                http.patch(f"/openers/rules/{rule['id']}", json={"enabled": False}, headers=staff).raise_for_status()
        http.post("/auth/logout", headers=staff)
