"""The visitor widget on a phone (390x844, touch), as a visitor meets it on the demo shop: the
chat opened, a question sent, an operator's answer in. Chromium headless (Debian's package) against
the real server; called by scripts/screenshots.py, writes screenshots/widget-phone.png."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from chatdesk.protocol.limits import API_PREFIX

CHROMIUM = "/usr/bin/chromium"


async def shoot_widget_phone(url: str, token: str, out: Path) -> None:
    from playwright.async_api import async_playwright
    headers = {"Authorization": f"Bearer {token}"}
    async with async_playwright() as p, httpx.AsyncClient(base_url=url + API_PREFIX, headers=headers) as desk:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = await browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                            is_mobile=True, has_touch=True)
        page = await context.new_page()
        await page.goto(url + "/shop/product.html")
        await page.tap("#chatdesk .cd-bubble")
        await page.fill("#chatdesk .cd-input", "Hi! Does the Trail Runner 2 run true to size?")
        await page.press("#chatdesk .cd-input", "Enter")
        cid = await _queued_chat(desk, "Does the Trail Runner 2")
        (await desk.post(f"/conversations/{cid}/accept")).raise_for_status()
        for body in ("Hi! Yes, it runs true to size.", "If you are between sizes, take the larger one."):
            (await desk.post(f"/conversations/{cid}/messages",
                             json={"client_msg_id": f"shot-{time.time_ns()}", "body": body})).raise_for_status()
        await page.locator("#chatdesk .cd-operator").nth(1).wait_for(timeout=10_000)
        await page.wait_for_timeout(300)
        await page.screenshot(path=str(out))
        await browser.close()
    print(f"wrote screenshots/{out.name}")


async def _queued_chat(desk: httpx.AsyncClient, first_words: str) -> int:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for entry in (await desk.get("/queue")).json()["queue"]:
            if entry["first_message"].startswith(first_words[:10]) or first_words in entry["first_message"]:
                return int(entry["conversation"]["id"])
        await asyncio.sleep(0.1)
    raise RuntimeError("the widget's chat never reached the queue")
