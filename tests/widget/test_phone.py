"""The widget on a phone (390x844, touch): the demo shop never scrolls sideways, the chat bubble is
inside the screen and a tap opens the chat."""
from __future__ import annotations


async def test_on_a_phone_the_bubble_is_on_screen_and_a_tap_opens_the_chat(shared_server, browser):
    shared_server.operator("phone-desk@example.com")    # someone online: the chat, not the offline form
    context = await browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                        is_mobile=True, has_touch=True)
    page = await context.new_page()
    for path in ("/shop/", "/shop/product.html", "/shop/shipping.html", "/shop/checkout.html"):
        await page.goto(shared_server.url + path)
        widths = await page.evaluate("[window.innerWidth, document.documentElement.clientWidth]")
        assert widths[0] == widths[1] == 390, (path, widths)          # nothing wider than the phone
        box = await page.locator("#chatdesk .cd-bubble").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (path, box)
        assert box["y"] + box["height"] <= 844, (path, box)
    await page.tap("#chatdesk .cd-bubble")
    await page.locator("#chatdesk .cd-input").wait_for(timeout=5_000)
    await context.close()
