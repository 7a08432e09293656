"""The close dialog's drafted summary: two sentences taken verbatim from real chats (English,
Polish, Finnish), the visitor's request and the operator's resolution; tags from the canned
replies used and the words of the chat. Pure functions: no server needed."""
from __future__ import annotations

import pytest

from chatdesk.client.summary import draft, draft_summary, split_sentences, suggest_tags
from chatdesk.protocol.models import CannedReply, Message


def chat(*lines: tuple[str, str, str]) -> list[Message]:
    return [Message(id=i, conversation_id=1, seq=i, author_type=who, kind=kind, body=body, ts=float(i))
            for i, (who, kind, body) in enumerate(lines, 1)]


VIS, OPS = "visitor", "operator"
ENGLISH = chat(
    (VIS, "text", "Hi!"),
    (OPS, "text", "Hi Tom, I'm Dana. How can I help you today?"),
    (VIS, "text", "My parcel hasn't arrived yet. It is order 10432 and the tracking page says delivered."),
    (OPS, "note", "Depot problem again, the parcel is there."),
    (OPS, "text", "One moment, I am checking that for you."),
    (OPS, "text", "The parcel was left at the depot by mistake. I have booked a new delivery with express "
                "shipping, it arrives tomorrow before noon."),
    (VIS, "text", "Great, thanks a lot!"),
    (OPS, "text", "Thanks for chatting, Tom! Have a lovely day."),
)
POLISH = chat(
    (VIS, "text", "Dzień dobry."),
    (VIS, "text", "Chciałabym zwrócić kurtkę, np. przez paczkomat. Zamówienie nr 5521 przyszło w złym rozmiarze."),
    (OPS, "text", "Dzień dobry, już sprawdzam."),
    (OPS, "text", "Zwrot zamówienia 5521 jest możliwy do 30 dni. Wysłałam etykietę zwrotną na e-mail, paczkę "
                "można nadać w paczkomacie."),
    (VIS, "text", "Dziękuję bardzo!"),
)
FINNISH = chat(
    (VIS, "text", "Hei! Tilasin kengät viime viikolla, esim. tilausnumero on 7788. Milloin tilaus toimitetaan?"),
    (OPS, "text", "Hei, tarkistan asian."),
    (OPS, "text", "Tilaus 7788 on lähetetty tänään. Toimitus kestää 2-3 arkipäivää ja seurantakoodi tulee "
                "sähköpostiin."),
    (VIS, "text", "Kiitos!"),
)
CANNED = [
    CannedReply(id=1, shortcut="check", title="Checking", body="One moment, I am checking that for you.",
                tags=["status"]),
    CannedReply(id=2, shortcut="hi", title="Greeting", tags=["greeting"],
                body="Hi {visitor.name}, I'm {operator.name}. How can I help you today?"),
    CannedReply(id=3, shortcut="returns", title="Returns", body="You can return anything within 30 days.",
                tags=["returns"]),
]


@pytest.mark.parametrize(("text", "sentences"), [
    ("Do you ship to Norway? I need it by Friday, e.g. before the 12th. Thanks!",
     ["Do you ship to Norway?", "I need it by Friday, e.g. before the 12th.", "Thanks!"]),
    ("Potrzebuję np. kurtki w rozmiarze S. Czy macie? Cena to 2.5 tys. zł za sztukę!",
     ["Potrzebuję np. kurtki w rozmiarze S.", "Czy macie?", "Cena to 2.5 tys. zł za sztukę!"]),
    ("Buty, kurtki itd. są w promocji, tzn. taniej. Kosztuje 20 zł. Dziękuję.",
     ["Buty, kurtki itd. są w promocji, tzn. taniej.", "Kosztuje 20 zł.", "Dziękuję."]),
    ("Tarvitsen esim. takin ns. talvimallin. Onko teillä? Klo 15 sopii mm. minulle.",
     ["Tarvitsen esim. takin ns. talvimallin.", "Onko teillä?", "Klo 15 sopii mm. minulle."]),
    ("first line without a stop\nsecond line!", ["first line without a stop", "second line!"]),
    ("The answer is no. Really…  Fine", ["The answer is no.", "Really…", "Fine"]),
])
def test_sentences_split_at_their_ends_not_after_abbreviations(text, sentences):
    assert split_sentences(text) == sentences


def verbatim(sentence: str, messages: list[Message], author: str) -> bool:
    return any(sentence in m.body for m in messages if m.author_type == author and m.kind == "text")


@pytest.mark.parametrize(("messages", "expected"), [
    (ENGLISH, ("My parcel hasn't arrived yet.",
               "I have booked a new delivery with express shipping, it arrives tomorrow before noon.")),
    (POLISH, ("Chciałabym zwrócić kurtkę, np. przez paczkomat.",
              "Wysłałam etykietę zwrotną na e-mail, paczkę można nadać w paczkomacie.")),
    (FINNISH, ("Milloin tilaus toimitetaan?", "Tilaus 7788 on lähetetty tänään.")),
], ids=["english", "polish", "finnish"])
def test_the_draft_is_the_visitors_request_and_the_operators_resolution_verbatim(messages, expected):
    sentences = draft_summary(messages)
    assert sentences == expected
    assert len(sentences) == 2
    assert verbatim(sentences[0], messages, "visitor") and verbatim(sentences[1], messages, "operator")
    assert draft_summary(list(messages)) == sentences          # deterministic
    joined = draft(messages, CANNED).summary
    assert split_sentences(joined) == list(sentences)          # the dialog's text is the two sentences


def test_notes_greetings_and_pleasantries_are_never_drafted():
    sentences = draft_summary(ENGLISH)
    assert "Depot problem again, the parcel is there." not in sentences
    assert not {"Hi!", "Great, thanks a lot!", "Thanks for chatting, Tom!"} & set(sentences)


def test_a_chat_nobody_answered_drafts_two_of_the_visitors_sentences():
    messages = chat((VIS, "text", "Hello."), (VIS, "text", "I want to change the delivery address of order 881."),
                    (VIS, "text", "The new address is Storgata 5, Oslo. The order is a gift."))
    sentences = draft_summary(messages)
    assert len(sentences) == 2 and all(verbatim(s, messages, "visitor") for s in sentences)
    assert sentences[0] == "I want to change the delivery address of order 881."
    assert draft_summary(chat((VIS, "text", "Hi!"))) == ()           # nothing with content: no draft


def test_tags_come_from_canned_replies_used_then_words_that_name_known_tags():
    assert suggest_tags(ENGLISH, CANNED, ["delivery", "parcel", "billing"]) == (
        "status", "greeting", "delivery", "parcel")     # canned in order of the list, then by use
    assert suggest_tags(POLISH, CANNED, ["zwrot", "faktura"]) == ("zwrot",)     # "Zwrot", "zwrotną"
    assert suggest_tags(FINNISH, CANNED, ["toimitus", "lasku"]) == ("toimitus",)
    assert suggest_tags(chat((OPS, "text", "You can return anything within 30 days.")), CANNED) == ("returns",)
