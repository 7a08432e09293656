"""The visitor widget with an operator's invite above the bubble, on the demo shop's product page
in the demo's green (shop.toml), desktop 1280x800: Chromium headless (Debian's package) against
the real server. Called by scripts/screenshots.py, or alone against a fresh server:

    uv run python -m scripts.widget_invite        # writes screenshots/widget-invite.png
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
OPENER = "Hi! The Trail Runner 2 is back in every size. Can I help you find yours?"


async def shoot_invite(url: str, token: str, out: Path = OUT) -> None:
    from playwright.async_api import async_playwright
    headers = {"Authorization": f"Bearer {token}"}
    async with async_playwright() as p, httpx.AsyncClient(base_url=url + API_PREFIX, headers=headers) as desk:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = await (await browser.new_context(viewport={"width": 1280, "height": 800})).new_page()
        earlier = {v["id"] for v in (await desk.get("/browsing")).json()["visitors"]}   # the widget shots'
        await page.goto(url + "/shop/product.html")
        vid = await _visitor_on_the_site(desk, earlier)
        (await desk.put("/me/status", json={"status": "online"})).raise_for_status()
        (await desk.post(f"/browsing/{vid}/invite", json={"body": OPENER})).raise_for_status()
        await page.locator("#chatdesk .cd-invite").wait_for(state="visible", timeout=30_000)
        await page.wait_for_timeout(300)
        await page.screenshot(path=str(out / "widget-invite.png"))
        print("wrote screenshots/widget-invite.png")
        await browser.close()


async def _visitor_on_the_site(desk: httpx.AsyncClient, earlier: set[str]) -> str:
    """This page's visitor: the one new on the list."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = [v for v in (await desk.get("/browsing")).json()["visitors"] if v["id"] not in earlier]
        if found:
            return str(found[0]["id"])
        await asyncio.sleep(0.1)
    raise RuntimeError("the widget's visitor never reached the visitors list")


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.support.live_server import LiveServer

    from chatdesk.demo.run import DEMO_SHOP
    with tempfile.TemporaryDirectory() as tmp:
        srv = LiveServer(Path(tmp) / "shots.db", extra_args=["--shop-config", str(DEMO_SHOP)]).start()
        try:
            asyncio.run(shoot_invite(srv.url, srv.operator("olga@demo.chatdesk", name="Olga Berg")))
        finally:
            srv.stop()


if __name__ == "__main__":
    main()
