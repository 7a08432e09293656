from __future__ import annotations

import os

import pytest

from chatdesk.demo.local_server import free_port
from tests.support.live_server import LiveServer
from tests.support.shop_origin import ShopOrigin, serving_shop


@pytest.fixture(scope="package")
def shared_server(tmp_path_factory):
    """One real server for the widget tests (each test has its own visitor and operator).
    test_widget.py restarts it in its last test, so keep that one last."""
    srv = LiveServer(tmp_path_factory.mktemp("widget") / "chat.db").start()
    yield srv
    srv.stop()


CHROMIUM = "/usr/bin/chromium"      # Debian's package; the widget tests skip without it


@pytest.fixture
async def browser():
    """Headless Chromium (Debian's), closed after the test."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium")
    from playwright.async_api import async_playwright
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        await b.close()


@pytest.fixture
def shop():
    """The shop's own web server on a second loopback port (another origin than the chat server)."""
    shop = ShopOrigin(free_port())
    with serving_shop(shop):
        yield shop
