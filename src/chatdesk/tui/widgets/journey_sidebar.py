"""The visitor journey: who they are, where they are, where they have been, what we know.

Everything shown is untrusted (names, titles, URLs, notes): it is assembled into `Content` from
plain strings, never parsed as markup. Contact fields are editable (Enter saves) and a note can
be added; both go up as messages for the desk to send in a worker.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from chatdesk.client.canned import page_title
from chatdesk.tui.format import fmt_clock, fmt_wait, short_url, update_if_changed, visitor_label

CONTACT_FIELDS = (("name", "Name"), ("email", "E-mail"), ("phone", "Phone"))


class JourneySidebar(VerticalScroll):
    DEFAULT_CSS = """
    JourneySidebar { padding: 0 1; background: $panel; }
    JourneySidebar Input { height: 1; border: none; padding: 0 1; margin: 0 0 0 0; background: $boost; }
    JourneySidebar Input:focus { background: $primary 25%; }
    JourneySidebar .section { margin-top: 1; color: $text-muted; text-style: bold; }
    JourneySidebar #journey-new-note { margin-top: 1; }
    JourneySidebar.-empty > * { display: none; }
    JourneySidebar.-empty > #journey-who { display: block; }
    """

    class VisitorEdited(Message):
        def __init__(self, conversation_id: int | None, field: str, value: str) -> None:
            super().__init__()
            self.conversation_id, self.field, self.value = conversation_id, field, value

    class NoteAdded(Message):
        def __init__(self, conversation_id: int | None, body: str) -> None:
            super().__init__()
            self.conversation_id, self.body = conversation_id, body

    def __init__(self, clock: Callable[[], float] = time.time, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.visitor: Any = None
        self.conversation_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="journey-who")
        for field, label in CONTACT_FIELDS:
            yield Input(placeholder=label, id=f"journey-{field}", tooltip=f"{label} (Enter saves)")
        yield Static(id="journey-now")
        yield Static("Pages", classes="section")
        yield Static(id="journey-pages")
        yield Static("Past conversations", classes="section")
        yield Static(id="journey-past")
        yield Static("Notes", classes="section")
        yield Static(id="journey-notes")
        yield Input(placeholder="Add a note (Enter)", id="journey-new-note")

    def set_visitor(self, visitor: Any, conversation_id: int | None = None) -> None:
        """Show the visitor of this conversation (a VisitorDetail, or a plain Visitor until the
        detail arrives)."""
        changed = (self.visitor is None or visitor is None or self.visitor.id != visitor.id
                   or conversation_id != self.conversation_id)
        self.visitor = visitor
        self.conversation_id = conversation_id
        self.set_class(visitor is None, "-empty")
        if visitor is None:
            update_if_changed(self.query_one("#journey-who", Static),
                Content.styled("The visitor's journey shows here when a chat is open.", "$text-muted"))
            return
        for field, _ in CONTACT_FIELDS:
            box = self.query_one(f"#journey-{field}", Input)
            if changed or not box.has_focus:    # never clobber what the operator is typing
                box.value = getattr(visitor, field, "") or ""
        self.refresh_journey()

    def refresh_journey(self) -> None:
        v = self.visitor
        if v is None:
            return
        # A visitor who left stops the clocks at their last sign of life.
        now = self.clock() if v.online else (v.last_seen or self.clock())
        who = [(visitor_label(v), "bold")]
        if v.returning:
            who.append((f"  ↺ returning · visit {v.visit_count}", "$accent"))
        else:
            who.append(("  new visitor", "$text-muted"))
        if not v.online:
            who.append(("  (left the site)", "$warning"))
        update_if_changed(self.query_one("#journey-who", Static), Content.assemble(*who))

        pageviews = list(getattr(v, "pageviews", []) or [])
        started = pageviews[0].ts if pageviews else now - (v.time_on_site or 0)
        # Titles without the shop's name, URLs shortened to the strip: no URL folds mid-word.
        width = max(16, (self.content_region.width or 34) - 1)
        titles = [pv.title for pv in pageviews]
        now_bits: list[tuple[str, str] | str] = [
            ("Now: ", "$text-muted"),
            (page_title(v.current_title, titles) if v.current_title else short_url(v.current_url, width - 5) or "—",
             "bold")]
        if v.current_url and v.current_title:
            now_bits += ["\n", ("     " + short_url(v.current_url, width - 5), "$text-muted")]
        if v.referrer:
            now_bits += ["\n", ("From: ", "$text-muted"), short_url(v.referrer, width - 6)]
        now_bits += ["\n", ("On site: ", "$text-muted"), fmt_wait(now - started)]
        update_if_changed(self.query_one("#journey-now", Static), Content.assemble(*now_bits))

        pages: list[tuple[str, str] | str] = []
        for i in range(max(0, len(pageviews) - 12), len(pageviews)):
            pv = pageviews[i]
            nxt = pageviews[i + 1].ts if i + 1 < len(pageviews) else now
            if pages:
                pages.append("\n")
            pages += [(f"{fmt_wait(nxt - pv.ts):>5} ", "$text-muted"),
                      page_title(pv.title, titles) if pv.title else short_url(pv.url, width - 6)]
        update_if_changed(self.query_one("#journey-pages", Static),
            Content.assemble(*pages) if pages else Content.styled("(no page views)", "$text-muted"))

        past: list[tuple[str, str] | str] = []
        for pc in getattr(v, "past_conversations", []) or []:
            if pc.id == self.conversation_id:
                continue   # this very chat is not history yet
            if past:
                past.append("\n")
            when = time.strftime("%d %b", time.localtime(pc.queued_at))
            past += [(f"{when} ", "$text-muted"), (pc.operator_name or pc.state, "bold")]
            if pc.summary:
                past += ["\n  ", pc.summary]
            if pc.tags:
                past += ["\n  ", (" ".join(f"#{t}" for t in pc.tags), "$accent")]
        update_if_changed(self.query_one("#journey-past", Static),
            Content.assemble(*past) if past else Content.styled("(none)", "$text-muted"))

        notes: list[tuple[str, str] | str] = []
        for note in getattr(v, "notes", []) or []:
            if notes:
                notes.append("\n")
            notes += [(f"{fmt_clock(note.ts)} {note.author_name}: ", "$text-muted"), note.body]
        update_if_changed(self.query_one("#journey-notes", Static),
            Content.assemble(*notes) if notes else Content.styled("(no notes)", "$text-muted"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.visitor is None:
            return
        box_id = event.input.id or ""
        if box_id == "journey-new-note":
            body = event.value.strip()
            if body:
                self.post_message(self.NoteAdded(self.conversation_id, body))
                event.input.value = ""
            return
        field = box_id.removeprefix("journey-")
        if field in dict(CONTACT_FIELDS):
            self.post_message(self.VisitorEdited(self.conversation_id, field, event.value.strip()))
