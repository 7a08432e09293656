"""One closed chat, read for review: the transcript, the journey of that visit, the rating, the
reviews and coaching notes. Staff mark it best or worst (b / w) or add a note (n); anyone who may
read it exports it (e) to a Markdown or JSON file."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from chatdesk.tui.dialogs.staff_dialogs import ExportChoice, ExportDialog, LineDialog
from chatdesk.tui.format import fmt_clock, fmt_wait, visitor_label
from chatdesk.tui.keymap import TRANSCRIPT_BINDINGS
from chatdesk.tui.screens.staff_base import StaffScreen
from chatdesk.tui.widgets.key_footer import KeyFooter
from chatdesk.tui.widgets.transcript import Transcript


class TranscriptReadScreen(StaffScreen):
    BINDINGS: ClassVar[list[BindingType]] = [*TRANSCRIPT_BINDINGS]

    def __init__(self, session: Any, clock: Callable[[], float], conversation_id: int,
                 export_dir: Path | None = None, **kwargs: Any) -> None:
        super().__init__(session, clock, **kwargs)
        self.conversation_id = conversation_id
        self.export_dir = export_dir
        self.detail: Any = None
        self.exported: Path | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="read-header")
        with Horizontal(id="read-body"):
            yield Transcript(self.conversation_id, id="read-transcript")
            with VerticalScroll(id="read-side"):
                yield Static("Reviews and coaching notes", classes="section")
                yield Static(id="read-reviews")
                yield Static("Journey (this visit)", classes="section")
                yield Static(id="read-journey")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#read-header", Static).update(Content.styled("Loading…", "$text-muted"))
        self.load()
        self.query_one(Transcript).focus()

    def load(self) -> None:
        self.call_api("Transcript", lambda: self.session.staff.transcript(self.conversation_id), self.show)

    def show(self, d: Any) -> None:
        self.detail = d
        c = d.conversation
        head: list[Any] = [("Transcript ", "bold $accent"), (visitor_label(d.visitor), "bold"),
                           (" with ", "$text-muted"), (c.operator_name or "—", "bold")]
        if c.closed_at:
            head += [("  closed ", "$text-muted"), time.strftime("%d %b %H:%M", time.localtime(c.closed_at))]
        if c.rating:
            head += [("  rated ", "$text-muted"), ("★" * c.rating, "$warning")]
            if d.rating_comment:
                head += [" “", d.rating_comment, "”"]
        if c.summary or c.tags:
            head += ["\n", ("Summary: ", "$text-muted"), c.summary, "  ",
                     (" ".join(f"#{t}" for t in c.tags), "$accent")]
        self.query_one("#read-header", Static).update(Content.assemble(*head))
        self.query_one(Transcript).set_messages(d.messages)

        reviews: list[Any] = []
        for r in d.reviews:
            if reviews:
                reviews.append("\n")
            mark = {"best": ("★ best ", "bold $success"), "worst": ("✗ worst ", "bold $error")}.get(r.mark or "")
            if mark:
                reviews.append(mark)
            reviews += [(f"{r.reviewer_name or 'Reviewer'} · {fmt_clock(r.ts)}", "$text-muted")]
            if r.note:
                reviews += ["\n  ", r.note]
        self.query_one("#read-reviews", Static).update(
            Content.assemble(*reviews) if reviews else Content.styled("(none yet)", "$text-muted"))

        journey: list[Any] = []
        for i, pv in enumerate(d.journey):
            nxt = d.journey[i + 1].ts if i + 1 < len(d.journey) else (c.closed_at or pv.ts)
            if journey:
                journey.append("\n")
            journey += [(f"{fmt_clock(pv.ts)} {fmt_wait(nxt - pv.ts):>5} ", "$text-muted"), pv.title or pv.url]
        self.query_one("#read-journey", Static).update(
            Content.assemble(*journey) if journey else Content.styled("(no page views)", "$text-muted"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "mark" and not getattr(self.session, "is_staff", False):
            return False          # operators read their notes; reviewing is for staff
        return True

    def action_mark(self, mark: str) -> None:
        title = {"best": "Mark as a best transcript", "worst": "Mark as a worst transcript"}.get(
            mark, "Coaching note")

        def saved(_: object) -> None:
            self.notify("Review saved.")
            self.load()

        def chosen(note: str | None) -> None:
            if note is None:
                return
            self.call_api("Review", lambda: self.session.staff.review_transcript(
                self.conversation_id, mark or None, note), saved)
        self.app.push_screen(LineDialog(title, "Coaching note (the operator can read it)",
                                        "what went well, what to do differently", "Save",
                                        required=not mark), chosen)

    def action_export(self) -> None:
        def chosen(choice: ExportChoice | None) -> None:
            if choice is None:
                return

            async def export() -> Path:
                import asyncio
                text = await self.session.staff.export_transcript(self.conversation_id, choice.format)
                await asyncio.to_thread(_write, choice.path, text)   # raw text: to the file, never the screen
                return choice.path

            def done(path: Path) -> None:
                self.exported = path
                self.notify(f"Saved to {path}", markup=False)
            self.call_api("Export", export, done)
        self.app.push_screen(ExportDialog(self.conversation_id, self.export_dir), chosen)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
