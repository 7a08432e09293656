"""An axe-core scan (axe-playwright-python, axe-core's own rules) of the demo shop with the widget
closed, open, mid-chat and open on a phone finds no serious or critical violation (WCAG 2.1 AA)."""
from __future__ import annotations

from tests.support.axe import grave_violations
from tests.support.widget_page import Desk, operators_shown, visitor_id_of, write


async def test_no_serious_or_critical_violation_closed_open_and_mid_chat(shared_server, browser):
    desk = Desk(shared_server.url, shared_server.operator("axe@example.com", name="Ada", role="supervisor"))
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    await page.goto(shared_server.url + "/shop/")
    vid = await visitor_id_of(page)
    await page.locator("#chatdesk .cd-bubble").wait_for()
    assert await grave_violations(page) == [], "widget closed"
    await page.click("#chatdesk .cd-bubble")
    await page.locator("#chatdesk .cd-greeting").wait_for()
    assert await grave_violations(page) == [], "widget open"
    await write(page, "Do you have the tent in green?")
    conv_id = await desk.queued_chat_of(vid)
    await desk.post(f"/conversations/{conv_id}/accept")
    await desk.reply(conv_id, "Yes, in green and in sand.")
    await operators_shown(page, 1)
    await page.click("#chatdesk .cd-end")             # the question "End this chat?" showing too
    await page.locator("#chatdesk .cd-confirm-yes").wait_for()
    assert await grave_violations(page) == [], "mid-chat"


async def test_no_serious_or_critical_violation_on_a_phone(shared_server, browser):
    context = await browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                        is_mobile=True, has_touch=True)
    page = await context.new_page()
    await page.goto(shared_server.url + "/shop/product.html")
    await page.locator("#chatdesk .cd-bubble").wait_for()
    assert await grave_violations(page) == [], "phone, closed"
    await page.tap("#chatdesk .cd-bubble")
    await page.locator("#chatdesk .cd-greeting").wait_for()
    assert await grave_violations(page) == [], "phone, open"
    await context.close()


async def test_keyboard_focus_is_visible_on_the_widgets_controls(shared_server, browser):
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    await page.goto(shared_server.url + "/shop/")
    await page.locator("#chatdesk .cd-bubble").wait_for()
    active = "document.activeElement.className"
    for _ in range(30):                                  # Tab through the shop to the bubble
        await page.keyboard.press("Tab")
        if await page.evaluate(active) == "cd-bubble":
            break
    else:
        raise AssertionError("Tab never reached the chat bubble")
    ring = "e => [getComputedStyle(e).outlineStyle, parseFloat(getComputedStyle(e).outlineWidth)]"
    assert await page.eval_on_selector("#chatdesk .cd-bubble", ring) == ["solid", 3]
    await page.keyboard.press("Enter")
    assert await page.evaluate(active) == "cd-input"     # opening moves focus into the panel
    await page.keyboard.press("Tab")
    assert await page.evaluate(active) == "cd-send"
    assert await page.eval_on_selector("#chatdesk .cd-send", ring) == ["solid", 3]
