"""The widget's texts come from the catalogue in the page's language (or the shop's choice): the
catalogue is complete in every shipped language, and a real browser shows Polish and Finnish."""
from __future__ import annotations

import httpx
import pytest

from chatdesk.server.services.widget_texts import LANGUAGES, catalogue, choose_language
from chatdesk.server.services.widget_texts import _language_files as own_texts

PLURAL_CATEGORIES = {"en": {"one", "other"}, "pl": {"one", "few", "many", "other"}, "fi": {"one", "other"}}


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_text_is_translated_with_the_language_plural_forms(lang):
    english, own = own_texts("en"), own_texts(lang)
    assert set(own) == set(english), f"{lang}: missing {set(english) - set(own)}, extra {set(own) - set(english)}"
    for key, text in own.items():
        assert text != english[key] or key == "bubble.text", f"{lang}: {key} is still English"
        if isinstance(english[key], dict):
            assert isinstance(text, dict) and set(text) == PLURAL_CATEGORIES[lang], key
            assert all("{n}" in form for form in text.values()), key


def test_the_language_follows_the_page_unless_the_shop_chooses_one():
    assert choose_language("fi-FI") == "fi" and choose_language("pl") == "pl"
    assert choose_language("de-AT") == "en" and choose_language("") == "en"
    assert choose_language("fi", shop_setting="pl") == "pl"
    assert catalogue("pl", {"pl": {"panel.send": "Dawaj"}})["panel.send"] == "Dawaj"
    assert catalogue("fi", {"pl": {"panel.send": "Dawaj"}})["panel.send"] == "Lähetä"


def test_session_answer_carries_the_texts_of_the_page_language(shared_server):
    r = httpx.post(shared_server.url + "/api/v1/visitor/sessions", json={"lang": "pl-PL"})
    assert r.status_code == 201 and r.json()["lang"] == "pl"
    assert r.json()["texts"]["panel.send"] == "Wyślij"


def page_in(lang: str) -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Sklep</title></head>'
            '<body><h1>Sklep</h1><script src="/widget/widget.js" defer></script></body></html>')


@pytest.mark.parametrize(("lang", "send", "title"), [("pl", "Wyślij", "Porozmawiaj z nami"),
                                                     ("fi", "Lähetä", "Keskustele kanssamme")])
async def test_browser_shows_the_widget_in_the_page_language(shared_server, browser, lang, send, title):
    shared_server.operator("languages-desk@example.com")    # someone online: the chat, not the offline form
    page = await browser.new_page()
    url = f"{shared_server.url}/shop/page-{lang}.html"
    await page.route(url, lambda route: route.fulfill(body=page_in(lang), content_type="text/html"))
    await page.goto(url)
    await page.locator(".cd-bubble").click()
    await page.locator(f".cd-send:text-is('{send}')").wait_for(timeout=10_000)
    assert await page.locator(".cd-title").text_content() == title
    assert await page.locator(".cd-panel").get_attribute("aria-label") == title
    # The next page of the visit (the panel stays open; the token is reused) keeps the language.
    await page.goto(url)
    await page.locator(f".cd-send:text-is('{send}')").wait_for(timeout=10_000)
