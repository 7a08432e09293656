"""A tiny app that mounts one widget and records the messages it posts, to test widgets alone."""
from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.message import Message
from textual.widget import Widget

from chatdesk.protocol.models import Conversation, QueueEntry, Visitor
from chatdesk.protocol.models import Message as ChatMessage

NOW = 1_700_000_000.0


class Harness(App):
    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget
        self.posted: list[Message] = []

    def compose(self) -> ComposeResult:
        yield self.widget

    def on_mount(self) -> None:
        self.widget.focus()

    async def _on_message(self, message: Message) -> None:
        # Record every chatdesk message that bubbles up to the app, then handle it as usual.
        if message.__class__.__module__.startswith("chatdesk."):
            self.posted.append(message)
        await super()._on_message(message)

    def of(self, kind: type) -> list[Any]:
        return [m for m in self.posted if isinstance(m, kind)]


def visitor(name: str = "Anna", vid: str = "v-anna-1", **kw: Any) -> Visitor:
    base = dict(id=vid, name=name, first_seen=NOW - 3600, last_seen=NOW, current_url="https://shop.test/cart",
                current_title="Cart – Shop")
    base.update(kw)
    return Visitor(**base)


def queue_entry(cid: int, waited: float, name: str = "Anna", **kw: Any) -> QueueEntry:
    conv = Conversation(id=cid, visitor_id=f"v{cid}", state="queued", queued_at=NOW - waited,
                        department=kw.pop("department", None))
    return QueueEntry(conversation=conv, visitor=visitor(name, f"v{cid}", **kw), wait_seconds=waited,
                      first_message=f"hello from {name}")


def message(i: int, author: str = "visitor", body: str | None = None, author_id: int | None = None,
            kind: str = "text") -> ChatMessage:
    return ChatMessage(id=i, conversation_id=1, seq=i, author_type=author, author_id=author_id,
                       author_name="Anna" if author == "visitor" else "Op", kind=kind,
                       body=body if body is not None else f"message {i}", ts=NOW + i)


def screen_text(app) -> str:
    """What the terminal shows, as plain text lines (the same render as a screenshot).

    Private API on purpose: Textual (8.2) has no public call that gives a screen's text. Its public
    `App.export_screenshot()` makes exactly this render (`screen._compositor.render_update(full=True,
    screen_stack=app._background_screens)`) but returns SVG, and reading text back out of Rich's SVG
    (text placed by pixel, runs of spaces left out) would lean on a private layout as well."""
    import io

    from rich.console import Console
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)
