"""The widget's side of visitors on the site, watched in Chromium: every heartbeat answer the
page received (so a test can say "a beat after the rule's time came back without an invite"),
second visits, and the invite box by the bubble."""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from .waiting import wait_for

INVITE = "#chatdesk .cd-invite"


@dataclass
class Beat:
    at: float                     # time.monotonic() when the answer arrived
    answer: dict[str, Any]


@dataclass
class Heartbeats:
    """Every POST /visitor/heartbeat answer a page got, in order."""
    beats: list[Beat] = field(default_factory=list)

    @classmethod
    def of(cls, page: Any) -> Heartbeats:
        seen = cls()

        async def on_response(response: Any) -> None:
            if response.request.method == "POST" and response.url.endswith("/visitor/heartbeat") and response.ok:
                try:
                    seen.beats.append(Beat(time.monotonic(), await response.json()))
                except Exception:       # the page navigated away before the body was read
                    pass
        page.on("response", on_response)
        return seen

    async def answered_after(self, moment: float, what: str, timeout: float = 30.0) -> Beat:
        """The first beat answered after `moment` (time.monotonic())."""
        return await wait_for(lambda: next((b for b in self.beats if b.at > moment), None), what, timeout=timeout)

    def invites(self) -> list[dict[str, Any]]:
        return [b.answer["invite"] for b in self.beats if b.answer.get("invite")]


async def visit_again(page: Any, url: str, gap: float) -> None:
    """Leave the shop for longer than the server's --visit-gap, then come back to `url`: a
    second visit."""
    await page.goto("about:blank")
    await asyncio.sleep(gap + 0.5)      # the server counts the quiet time itself: nothing to poll
    await page.goto(url)


async def no_invite_past(page: Any, beats: Heartbeats, seconds: float, what: str) -> None:
    """A beat answered at least `seconds` after now (past the rule's time on the page) brought no
    invite, and the widget shows none."""
    moment = time.monotonic() + seconds
    beat = await beats.answered_after(moment, f"a heartbeat {seconds:.0f} s on ({what})", timeout=seconds + 40)
    assert beat.answer.get("invite") is None, what
    assert await page.locator(INVITE).is_hidden(), what


async def invite_shown(page: Any, timeout: float = 30_000) -> str:
    """The invite's text once the box by the bubble shows it."""
    await page.locator(INVITE).wait_for(state="visible", timeout=timeout)
    return (await page.locator(f"{INVITE} .cd-invite-text").text_content()) or ""


# Headless Chromium keeps every tab visible (bring_to_front and a minimised window change
# nothing), so a test hides a tab the way a tab switch looks to the page: document.visibilityState
# turns "hidden" and `visibilitychange` fires; the widget's own handler does the rest.
VISIBILITY = """(() => {
  let state = "visible";
  Object.defineProperty(Document.prototype, "visibilityState", { configurable: true, get: () => state });
  Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: () => state === "hidden" });
  window.__setVisibility = (s) => { state = s; document.dispatchEvent(new Event("visibilitychange")); };
})();"""


async def tab_visibility(page: Any) -> None:
    """Before the first goto: the page's visibility is the test's to switch."""
    await page.add_init_script(VISIBILITY)


async def hide_tab(page: Any) -> float:
    """The tab goes to the background; returns when (time.monotonic())."""
    await page.evaluate("window.__setVisibility('hidden')")
    return time.monotonic()


async def show_tab(page: Any) -> None:
    await page.evaluate("window.__setVisibility('visible')")
