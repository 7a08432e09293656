"""An axe-core scan (axe-playwright-python, axe-core's own rules) of a page in Chromium: the
serious and critical WCAG 2.1 AA violations it finds, and proof that it looked at the widget."""
from __future__ import annotations

from typing import Any

from axe_playwright_python.async_playwright import Axe

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


async def grave_violations(page: Any) -> list[str]:
    results = await Axe().run(page, options=WCAG)
    checked = [n["target"] for rule in results.response["passes"] for n in rule["nodes"]]
    assert any("#chatdesk" in str(target) for target in checked), "axe never looked at the widget"
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
