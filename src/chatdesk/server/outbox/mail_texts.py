"""The visitor's mail in the visitor's language: a small table, English the fallback."""
from __future__ import annotations

TRANSCRIPT_TEXTS: dict[str, dict[str, str]] = {
    "en": {"subject": "Your chat transcript", "intro": "Here is the transcript of your chat with us.",
           "visitor": "You", "closing": "Thank you for chatting with us."},
    "pl": {"subject": "Zapis Twojej rozmowy", "intro": "Oto zapis Twojej rozmowy z nami.",
           "visitor": "Ty", "closing": "Dziękujemy za rozmowę."},
    "fi": {"subject": "Keskustelusi tallenne", "intro": "Tässä on tallenne keskustelustasi kanssamme.",
           "visitor": "Sinä", "closing": "Kiitos keskustelusta."},
}


def language(tag: str | None) -> str:
    """The table's language for a page or session language tag ("fi-FI" -> "fi"); else "en"."""
    base = (tag or "").split("-")[0].split("_")[0].lower()
    return base if base in TRANSCRIPT_TEXTS else "en"


def transcript_texts(tag: str | None) -> dict[str, str]:
    return TRANSCRIPT_TEXTS[language(tag)]
