"""Close a chat with a summary, tags, and an optional follow-up for sales. The summary and tags
open with a draft (client/summary.py: two sentences from the chat, tags from the canned replies
used and its words), selected, so typing replaces it and End or an arrow key edits it."""
from __future__ import annotations

from dataclasses import dataclass, field

from textual.app import ComposeResult
from textual.widgets import Input, Label

from chatdesk.tui.dialogs.dialog import Dialog, value


@dataclass(frozen=True)
class CloseChoice:
    summary: str
    tags: list[str] = field(default_factory=list)
    follow_up: str | None = None


class CloseDialog(Dialog[CloseChoice]):
    TITLE_TEXT = "Close this chat"
    SUBMIT_LABEL = "Close chat"
    CANCEL_TEXT = "The chat stays open."

    def __init__(self, summary: str = "", tags: tuple[str, ...] | list[str] = ()) -> None:
        super().__init__()
        self.drafted_summary, self.drafted_tags = summary, ", ".join(tags)

    def fields(self) -> ComposeResult:
        yield Label("Summary (drafted from the chat: type to replace, End to edit)" if self.drafted_summary
                    else "Summary")
        yield Input(self.drafted_summary, placeholder="e.g. asked about delivery, sent the tracking link",
                    id="close-summary")
        yield Label("Tags (comma separated)" + (", suggested" if self.drafted_tags else ""))
        yield Input(self.drafted_tags, placeholder="e.g. shipping, refund", id="close-tags")
        yield Label("Follow-up for sales (optional)")
        yield Input(placeholder="e.g. wants a quote for 20 units — call back Tuesday", id="close-follow-up")

    def result(self) -> CloseChoice | None:
        summary = value(self, "#close-summary")
        if not summary:
            self.complain("Not closed yet: write a short summary, the next operator reads it.")
            self.query_one("#close-summary", Input).focus()
            return None
        tags = [t.strip() for t in value(self, "#close-tags").split(",") if t.strip()]
        return CloseChoice(summary, tags, value(self, "#close-follow-up") or None)
