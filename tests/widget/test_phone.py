"""The widget on phones (390x844 and 360x640, touch): the demo shop never scrolls sideways, the chat
bubble is inside the screen, a tap opens the chat full-screen with its close button and Send in view,
the panel follows the visual viewport (what the on-screen keyboard leaves), Tab stays inside the open
panel and Escape closes it, giving focus back to the bubble."""
from __future__ import annotations

import uuid

import pytest

from tests.support.waiting import wait_for

PHONES = [(390, 844), (360, 640)]


async def phone(browser, width: int, height: int):
    context = await browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=2,
                                        is_mobile=True, has_touch=True)
    return context, await context.new_page()


def inside(box, width: int, height: int) -> bool:
    return box is not None and box["x"] >= 0 and box["y"] >= 0 and \
        box["x"] + box["width"] <= width + 0.5 and box["y"] + box["height"] <= height + 0.5


@pytest.mark.parametrize(("width", "height"), PHONES)
async def test_on_a_phone_the_bubble_is_on_screen_and_a_tap_opens_the_chat_full_screen(shared_server, browser,
                                                                                       width, height):
    shared_server.operator(f"phone-desk-{uuid.uuid4().hex[:8]}@example.com")   # someone online: the chat, not the offline form
    context, page = await phone(browser, width, height)
    for path in ("/shop/", "/shop/product.html", "/shop/shipping.html", "/shop/cart.html", "/shop/checkout.html"):
        await page.goto(shared_server.url + path)
        widths = await page.evaluate("[window.innerWidth, document.documentElement.clientWidth]")
        assert widths[0] == widths[1] == width, (path, widths)          # nothing wider than the phone
        box = await page.locator("#chatdesk .cd-bubble").bounding_box()
        assert inside(box, width, height), (path, box)
    await page.tap("#chatdesk .cd-bubble")
    await page.locator("#chatdesk .cd-input").wait_for(timeout=5_000)
    assert await page.locator("#chatdesk .cd-panel").bounding_box() == {"x": 0, "y": 0, "width": width, "height": height}
    for part in (".cd-close", ".cd-send", ".cd-input"):
        assert inside(await page.locator(f"#chatdesk {part}").bounding_box(), width, height), part
    assert await page.locator("#chatdesk .cd-panel").get_attribute("aria-modal") == "true"
    await context.close()


async def test_the_panel_follows_the_visual_viewport_so_the_keyboard_never_covers_the_input(shared_server, browser):
    shared_server.operator(f"phone-desk-{uuid.uuid4().hex[:8]}@example.com")   # someone online: the chat, not the offline form
    context, page = await phone(browser, 390, 844)
    await page.goto(shared_server.url + "/shop/")
    await page.tap("#chatdesk .cd-bubble")
    await page.locator("#chatdesk .cd-input").wait_for(timeout=5_000)
    # What an on-screen keyboard does to the page: the visual viewport shrinks under the layout
    # viewport (here by zooming in, which Chromium's emulation can do; visualViewport fires resize).
    cdp = await context.new_cdp_session(page)
    await cdp.send("Emulation.setPageScaleFactor", {"pageScaleFactor": 2})
    visible = await page.evaluate("visualViewport.height")
    assert visible < 844 / 2 + 1

    async def fitted():
        height = await page.eval_on_selector("#chatdesk .cd-panel", "p => p.getBoundingClientRect().height")
        return abs(height - visible) < 1
    await wait_for(fitted, "the panel as tall as what the keyboard leaves", timeout=5)
    top = await page.evaluate("visualViewport.offsetTop")
    for part in (".cd-input", ".cd-send"):
        box = await page.locator(f"#chatdesk {part}").bounding_box()
        assert box is not None and box["y"] + box["height"] <= top + visible + 0.5, (part, box, visible)
    await context.close()


async def test_focus_stays_in_the_open_panel_on_a_phone_and_escape_closes_it(shared_server, browser):
    shared_server.operator(f"phone-desk-{uuid.uuid4().hex[:8]}@example.com")   # someone online: the chat, not the offline form
    context, page = await phone(browser, 360, 640)
    await page.goto(shared_server.url + "/shop/")
    await page.tap("#chatdesk .cd-bubble")
    await page.locator("#chatdesk .cd-input").wait_for(timeout=5_000)
    in_panel = "document.activeElement.closest('#chatdesk .cd-panel') !== null"
    for _ in range(8):
        await page.keyboard.press("Tab")
        assert await page.evaluate(in_panel), "Tab left the open panel"
    for _ in range(8):
        await page.keyboard.press("Shift+Tab")
        assert await page.evaluate(in_panel), "Shift+Tab left the open panel"
    await page.keyboard.press("Escape")
    assert await page.locator("#chatdesk .cd-panel").is_hidden()
    assert await page.evaluate("document.activeElement.classList.contains('cd-bubble')")
    assert await page.locator("#chatdesk .cd-bubble").get_attribute("aria-expanded") == "false"
    await context.close()
