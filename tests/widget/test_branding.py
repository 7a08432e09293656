"""The shop's branding from its widget config reaches the widget in a real browser: colours as CSS
custom properties, the title, the logo as an <img> whose src is a property, the side of the page,
and a greeting overridden per language; a colour the server never sent is not applied."""
from __future__ import annotations

import json

import pytest

from chatdesk.demo.local_server import free_port
from tests.support.live_server import serving

CONFIG = """
[branding]
title = "Northwind help"
primary_colour = "#1b7f3b"
text_colour = "#fffff0"
logo_url = "{url}/shop/logo.png"
position = "left"

[texts.en]
"panel.greeting" = "Welcome to Northwind!"
"""


@pytest.fixture
def branded(tmp_path):
    """A server of its own whose config names a logo on the server itself (the shop's CSP: img 'self')."""
    port = free_port()
    path = tmp_path / "widget.toml"
    path.write_text(CONFIG.format(url=f"http://127.0.0.1:{port}"), encoding="utf-8")
    yield from serving(tmp_path, port=port, extra_args=["--widget-config", str(path)])


async def test_the_widget_wears_the_shops_branding(branded, browser):
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    await page.goto(branded.url + "/shop/")
    await page.click("#chatdesk .cd-bubble")
    await page.locator("#chatdesk .cd-title", has_text="Northwind help").wait_for(timeout=10_000)
    looks = await page.eval_on_selector("#chatdesk", """root => {
        const s = getComputedStyle, q = sel => root.querySelector(sel);
        return {bubble: s(q('.cd-bubble')).backgroundColor, ink: s(q('.cd-head')).color,
                head: s(q('.cd-head')).backgroundColor, logo: q('.cd-logo') && q('.cd-logo').src,
                x: q('.cd-bubble').getBoundingClientRect().x}; }""")
    assert looks["bubble"] == looks["head"] == "rgb(27, 127, 59)"
    assert looks["ink"] == "rgb(255, 255, 240)"
    assert looks["logo"] == branded.url + "/shop/logo.png"
    assert looks["x"] < 100, "position left: the bubble sits on the left"
    assert await page.locator("#chatdesk .cd-greeting").text_content() == "Welcome to Northwind!"


async def test_a_colour_that_is_not_rrggbb_is_never_applied(branded, browser):
    page = await browser.new_page()

    async def tampered(route):
        response = await route.fetch()
        answer = await response.json()
        answer["branding"]["primary_colour"] = "red; background-image: url(//evil.example/x)"
        answer["branding"]["logo_url"] = "javascript:alert(1)"
        await route.fulfill(response=response, body=json.dumps(answer))
    await page.route("**/api/v1/visitor/sessions", tampered)
    await page.goto(branded.url + "/shop/")
    await page.click("#chatdesk .cd-bubble")
    await page.locator("#chatdesk .cd-title", has_text="Northwind help").wait_for(timeout=10_000)
    bubble = await page.eval_on_selector("#chatdesk .cd-bubble", "b => getComputedStyle(b).backgroundColor")
    assert bubble == "rgb(31, 111, 235)"          # the widget's own default, not red
    assert await page.locator("#chatdesk .cd-logo").count() == 0
