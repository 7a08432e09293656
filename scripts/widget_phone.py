"""The visitor widget as a visitor meets it on the demo shop (the demo's green, shop.toml): the
chat opened, a question sent, an operator's answer in; on a desktop (1280x800) and a phone (390x844,
touch), in English and in Polish (the page's lang). Chromium headless (Debian's package) against the
real server; called by scripts/screenshots.py, or alone against a fresh server:

    uv run python -m scripts.widget_phone        # writes screenshots/widget-*.png
"""
from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import httpx

from chatdesk.protocol.limits import API_PREFIX

CHROMIUM = "/usr/bin/chromium"
OUT = Path(__file__).resolve().parents[1] / "screenshots"
LINES = {
    "en": ("Hi! Does the Trail Runner 2 run true to size?",
           ("Hi! Yes, it runs true to size.", "If you are between sizes, take the larger one.")),
    "pl": ("Dzień dobry! Czy Trail Runner 2 ma standardową rozmiarówkę?",
           ("Dzień dobry! Tak, rozmiarówka jest standardowa.", "Jeśli jesteś pomiędzy rozmiarami, weź większy.")),
}
# The shop's pages say lang="en"; for the Polish shots the page says "pl" before the widget starts
# (deferred scripts run after readyState turns "interactive").
PAGE_LANG = """document.addEventListener("readystatechange", function () {
  if (document.readyState === "interactive") document.documentElement.lang = "%s"; });"""
SHOTS = (("widget-desktop.png", False, "en"), ("widget-phone.png", True, "en"),
         ("widget-desktop-pl.png", False, "pl"), ("widget-phone-pl.png", True, "pl"))


async def shoot_widgets(url: str, token: str, out: Path = OUT) -> None:
    from playwright.async_api import async_playwright
    headers = {"Authorization": f"Bearer {token}"}
    async with async_playwright() as p, httpx.AsyncClient(base_url=url + API_PREFIX, headers=headers) as desk:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, phone, lang in SHOTS:
            size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 800}
            context = await browser.new_context(viewport=size, device_scale_factor=2 if phone else 1,
                                                is_mobile=phone, has_touch=phone)
            page = await context.new_page()
            if lang != "en":
                await page.add_init_script(PAGE_LANG % lang)
            await page.goto(url + "/shop/product.html")
            await (page.tap if phone else page.click)("#chatdesk .cd-bubble")
            question, answers = LINES[lang]
            await page.fill("#chatdesk .cd-input", question)
            await page.press("#chatdesk .cd-input", "Enter")
            cid = await _queued_chat(desk, question)
            (await desk.post(f"/conversations/{cid}/accept")).raise_for_status()
            for body in answers:
                (await desk.post(f"/conversations/{cid}/messages",
                                 json={"client_msg_id": f"shot-{time.time_ns()}", "body": body})).raise_for_status()
            await page.locator("#chatdesk .cd-operator").nth(len(answers) - 1).wait_for(timeout=10_000)
            await page.wait_for_timeout(300)
            await page.screenshot(path=str(out / name))
            await context.close()
            # closed, so the operator stays under their cap for the next shots (the invite)
            (await desk.post(f"/conversations/{cid}/close", json={"summary": "Sizes."})).raise_for_status()
            print(f"wrote screenshots/{name}")
        await browser.close()


async def _queued_chat(desk: httpx.AsyncClient, first_words: str) -> int:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for entry in (await desk.get("/queue")).json()["queue"]:
            if entry["first_message"].startswith(first_words[:10]) or first_words in entry["first_message"]:
                return int(entry["conversation"]["id"])
        await asyncio.sleep(0.1)
    raise RuntimeError("the widget's chat never reached the queue")


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.support.live_server import LiveServer

    from chatdesk.demo.run import DEMO_SHOP
    with tempfile.TemporaryDirectory() as tmp:
        srv = LiveServer(Path(tmp) / "shots.db", extra_args=["--shop-config", str(DEMO_SHOP)]).start()
        try:
            asyncio.run(shoot_widgets(srv.url, srv.operator("olga@demo.chatdesk", name="Olga Berg")))
        finally:
            srv.stop()


if __name__ == "__main__":
    main()
