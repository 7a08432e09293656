"""The visitor's mail in the visitor's language: a small table (English, Polish, Finnish, the
widget's languages), English the fallback. Every language has every key (tests/integrations)."""
from __future__ import annotations

TRANSCRIPT_TEXTS: dict[str, dict[str, str]] = {
    "en": {"subject": "Your chat transcript", "intro": "Here is the transcript of your chat with us.",
           "visitor": "You", "operator": "Our team", "closing": "Thank you for chatting with us.",
           "why": "We sent this copy because it was asked for in the chat on our website. "
                  "If that was not you, you can ignore this mail."},
    "pl": {"subject": "Zapis Twojej rozmowy", "intro": "Oto zapis Twojej rozmowy z nami.",
           "visitor": "Ty", "operator": "Nasz zespół", "closing": "Dziękujemy za rozmowę.",
           "why": "Wysłaliśmy tę kopię na prośbę z czatu na naszej stronie. "
                  "Jeśli to nie Ty, zignoruj tę wiadomość."},
    "fi": {"subject": "Kopio keskustelustasi", "intro": "Tässä on kopio keskustelustasi kanssamme.",
           "visitor": "Sinä", "operator": "Asiakaspalvelumme", "closing": "Kiitos keskustelusta.",
           "why": "Lähetimme tämän kopion, koska sitä pyydettiin verkkosivumme chatissa. "
                  "Jos et pyytänyt sitä, voit jättää tämän viestin huomiotta."},
}


def language(tag: str | None) -> str:
    """The table's language for a page or session language tag ("fi-FI" -> "fi"); else "en"."""
    base = (tag or "").split("-")[0].split("_")[0].lower()
    return base if base in TRANSCRIPT_TEXTS else "en"


def transcript_texts(tag: str | None) -> dict[str, str]:
    return TRANSCRIPT_TEXTS[language(tag)]
