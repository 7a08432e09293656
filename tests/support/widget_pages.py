"""The widget on a real page in Chromium: the demo shop, or a page in another language served at
the chat server's own origin (so the shop's CSP and the widget script are the real ones)."""
from __future__ import annotations

from typing import Any

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


def page_in(lang: str, title: str = "Shop") -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
            '<body><h1>Shop</h1><script src="/widget/widget.js" defer></script></body></html>')


async def new_page(browser: Any, viewport: dict[str, int], errors: list[str] | None = None) -> Any:
    phone = viewport["width"] < 600
    context = await browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    page = await context.new_page()
    if errors is not None:
        page.on("pageerror", lambda e: errors.append(str(e)))
    return page


async def open_shop(page: Any, srv: Any, lang: str | None = None) -> None:
    """The demo shop (English), or a page with <html lang=…>; then the chat panel opened."""
    if lang is None:
        await page.goto(srv.url + "/shop/")
    else:
        url = f"{srv.url}/shop/page-{lang}.html"
        await page.route(url, lambda route: route.fulfill(body=page_in(lang), content_type="text/html"))
        await page.goto(url)
    await page.locator("#chatdesk .cd-bubble").click()
    await page.locator("#chatdesk .cd-panel").wait_for(timeout=10_000)


async def write_first(page: Any, text: str) -> None:
    await page.fill("#chatdesk .cd-input", text)
    await page.press("#chatdesk .cd-input", "Enter")


async def text_of(page: Any, selector: str) -> str:
    return (await page.locator(selector).text_content()) or ""
