"""The operator's side and the shop page for widget tests: a `Desk` over the real REST API and
helpers that read what the widget in the browser shows (through locators: the shop's CSP forbids
the eval that wait_for_function would need, which is the point of the CSP)."""
from __future__ import annotations

import uuid

import httpx

from .waiting import wait_for


class Desk:
    """An operator over the real REST API."""

    def __init__(self, url: str, token: str):
        self.http = httpx.AsyncClient(base_url=url + "/api/v1", timeout=10,
                                      headers={"Authorization": f"Bearer {token}"})

    async def get(self, path: str):
        r = await self.http.get(path)
        return r.json() if r.status_code == 200 else None

    async def post(self, path: str, body: dict | None = None):
        r = await self.http.post(path, json=body or {})
        r.raise_for_status()
        return r.json()

    async def reply(self, conv_id: int, body: str):
        return await self.post(f"/conversations/{conv_id}/messages",
                               {"client_msg_id": uuid.uuid4().hex, "body": body, "kind": "text"})

    async def queued_chat_of(self, vid: str, timeout: float = 10.0) -> int:
        """The id of the visitor's chat once it is in the queue."""
        async def queued():
            q = await self.get("/queue")
            return q and [e for e in q["queue"] if e["visitor"]["id"] == vid]
        return (await wait_for(queued, "the visitor's chat in the queue", timeout=timeout))[0]["conversation"]["id"]

    async def visitor_lines(self, conv_id: int) -> list[str]:
        detail = await self.get(f"/conversations/{conv_id}")
        return [m["body"] for m in detail["messages"] if m["author_type"] == "visitor"]


async def visitor_id_of(page) -> str:
    async def cookie():
        found = [c["value"] for c in await page.context.cookies() if c["name"] == "chatdesk_vid"]
        return found[0] if found else None
    return await wait_for(cookie, "the widget's visitor cookie", timeout=10)


async def operators_shown(page, count: int, timeout: float = 10_000) -> None:
    """Wait until `count` operator lines are in the widget."""
    await page.locator("#chatdesk .cd-operator").nth(count - 1).wait_for(timeout=timeout)


async def operator_texts(page) -> list[str]:
    return await page.eval_on_selector_all(
        "#chatdesk .cd-operator", "els => els.map(e => e.lastChild.textContent)")


async def write(page, text: str) -> None:
    """The visitor types a line and presses Enter."""
    await page.fill("#chatdesk .cd-input", text)
    await page.press("#chatdesk .cd-input", "Enter")


async def chat_accepted(page, desk: Desk, url: str, first_line: str) -> tuple[str, int]:
    """The usual start of a widget test: the visitor opens `url`, opens the panel and writes
    `first_line`; the operator (`desk`) accepts the chat. Returns (visitor id, chat id)."""
    await page.goto(url)
    vid = await visitor_id_of(page)
    await page.click("#chatdesk .cd-bubble")
    await write(page, first_line)
    conv_id = await desk.queued_chat_of(vid)
    await desk.post(f"/conversations/{conv_id}/accept")
    return vid, conv_id


def resumes_sent(page) -> list[int]:
    """Every `after` the page's visitor streams resumed from, filled in as frames go out."""
    import json
    seen: list[int] = []

    def on_socket(ws):
        def sent(payload):
            try:
                frame = json.loads(payload)
            except (TypeError, ValueError):
                return
            if isinstance(frame, dict) and frame.get("type") == "resume":
                seen.append(frame["after"])
        ws.on("framesent", sent)
    page.on("websocket", on_socket)
    return seen
