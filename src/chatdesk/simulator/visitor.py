"""One simulated visitor's connection to the chat server, as the browser widget would make it:
visitor REST calls with the visitor token in a header, and the visitor stream (auth frame first,
resume from the last event_id after a drop). httpx + websockets only: the simulator must not
depend on the operator client."""
from __future__ import annotations

import asyncio
import json
import uuid
from typing import TYPE_CHECKING, Any

import httpx

from chatdesk.protocol.events import MESSAGE_CREATED
from chatdesk.protocol.limits import API_PREFIX as API

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection


class VisitorApiError(Exception):
    """The server refused a visitor call; the message is a sentence for the summary."""


class VisitorConnection:
    """REST + stream for one visitor. Incoming durable events and typing frames land in `inbox`."""

    def __init__(self, http: httpx.AsyncClient, base_url: str):
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.ws_url = "ws" + self.base_url[len("http"):] + API + "/visitor/stream"
        self.visitor_id: str | None = None
        self.token: str | None = None
        self.conversation_id: int | None = None
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._last_event_id = 0
        self._seen_messages: set[int] = set()

    # --- REST ----------------------------------------------------------------------------------
    async def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            r = await self.http.post(self.base_url + API + path, json=payload, headers=headers)
        except httpx.HTTPError as e:
            raise VisitorApiError(f"POST {path} failed: {e.__class__.__name__}") from e
        if r.status_code >= 400:
            try:
                msg = r.json().get("message") or r.text
            except ValueError:
                msg = r.text
            raise VisitorApiError(f"POST {path} answered {r.status_code}: {str(msg)[:200]}")
        return r.json() if r.content else {}

    async def start_session(self, url: str, title: str, referrer: str,
                            visitor_id: str | None) -> dict[str, Any]:
        body = await self._post("/visitor/sessions", {"visitor_id": visitor_id, "url": url,
                                                      "title": title, "referrer": referrer})
        self.visitor_id, self.token = body["visitor_id"], body["visitor_token"]
        self.conversation_id = body.get("conversation_id")
        return body

    async def page_view(self, url: str, title: str, referrer: str) -> None:
        await self._post("/visitor/pageviews", {"url": url, "title": title, "referrer": referrer})

    async def start_chat(self, body: str, name: str | None, department: str | None = None) -> int:
        answer = await self._post("/visitor/conversations", {"client_msg_id": _msg_id(), "body": body,
                                                              "name": name, "department": department})
        try:
            self.conversation_id = int(answer["conversation"]["id"])
        except (KeyError, TypeError, ValueError) as e:
            raise VisitorApiError("starting a chat answered without a conversation id") from e
        return self.conversation_id

    async def send(self, body: str) -> None:
        await self._post(f"/visitor/conversations/{self.conversation_id}/messages",
                         {"client_msg_id": _msg_id(), "body": body})

    # --- stream --------------------------------------------------------------------------------
    def open_stream(self) -> None:
        if self._reader is None:
            self._reader = asyncio.create_task(self._read_forever(), name="sim-visitor-stream")

    async def typing(self, is_typing: bool, text: str = "") -> None:
        """Ephemeral typing frame with the unsent draft (the operator's sneak peek)."""
        if self._ws is None:
            return
        try:
            await self._ws.send(json.dumps({"type": "typing", "is_typing": is_typing, "text": text}))
        except Exception:  # a dropped socket: the reader reconnects; typing is best effort
            pass

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):
                pass
            self._reader = None
        if self._ws is not None:
            try:
                await self._ws.close()
            except Exception:
                pass
            self._ws = None

    async def _read_forever(self) -> None:
        """Stay connected; after a drop, resume from the last event seen."""
        from websockets.asyncio.client import connect  # lazy: only the simulator needs it

        failures = 0
        while True:
            try:
                async with connect(self.ws_url, open_timeout=5, close_timeout=1, proxy=None,
                                   max_size=2**20) as ws:
                    await ws.send(json.dumps({"type": "auth", "visitor_token": self.token}))
                    ready = json.loads(await asyncio.wait_for(ws.recv(), 5))
                    if ready.get("type") != "ready":
                        raise ConnectionError(f"stream refused: {ready.get('message', ready)}")
                    await ws.send(json.dumps({"type": "resume", "after": self._last_event_id}))
                    self._ws, failures = ws, 0
                    async for raw in ws:
                        frame = json.loads(raw)
                        if frame.get("type") == "ping":
                            await ws.send(json.dumps({"type": "pong"}))
                        else:
                            self._on_frame(frame)
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
            finally:
                self._ws = None
            await asyncio.sleep(min(5.0, 0.3 * 2 ** min(failures, 4)))

    def _on_frame(self, frame: dict[str, Any]) -> None:
        event_id = frame.get("event_id")
        if isinstance(event_id, int):
            if event_id <= self._last_event_id:
                return          # replayed twice: already handled
            self._last_event_id = event_id
        if frame.get("type") == MESSAGE_CREATED:
            msg_id = (frame.get("data") or {}).get("id")
            if isinstance(msg_id, int):
                if msg_id in self._seen_messages:
                    return
                self._seen_messages.add(msg_id)
        self.inbox.put_nowait(frame)


def _msg_id() -> str:
    return uuid.uuid4().hex
