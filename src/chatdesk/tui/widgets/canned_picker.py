"""The canned-reply picker: fuzzy search, a preview with the variables filled in, a question for
each value it cannot fill, and the result goes into the composer for editing — never sent blind.

`CannedPicker(replies, rank, fill)` is a modal screen; it dismisses with the text or None.
`rank(replies, query)` orders replies by a fuzzy match over shortcut, title, body and tags;
`fill(reply)` returns (text, names of variables it could not fill).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from chatdesk.tui.format import fit

Rank = Callable[[Sequence[Any], str], Sequence[Any]]
Fill = Callable[[Any], tuple[str, list[str]]]


class CannedPicker(ModalScreen[str | None]):
    DEFAULT_CSS = """
    CannedPicker { align: center middle; }
    CannedPicker > Vertical { width: 90%; max-width: 100; height: 90%; max-height: 30;
        border: round $accent; background: $surface; padding: 0 1; }
    CannedPicker #canned-search { border: none; height: 1; padding: 0 1; background: $boost; }
    CannedPicker OptionList { height: 1fr; min-height: 3; border: none; }
    CannedPicker #canned-preview { height: auto; max-height: 10; border-top: solid $primary 50%;
        padding: 0 1; }
    CannedPicker .missing { height: 1; border: none; padding: 0 1; background: $warning 20%; }
    CannedPicker #canned-ask { color: $warning; height: auto; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="canned.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="canned.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="canned.up"),
    ]

    def __init__(self, replies: Sequence[Any], rank: Rank, fill: Fill, query: str = "",
                 absorb: Callable[[], str] | None = None) -> None:
        super().__init__()
        self.absorb = absorb     # takes the keys typed before the picker was up (see ChatPane.open_canned)
        self.replies = list(replies)
        self.rank = rank
        self.fill = fill
        self.query_text = query
        self.shown: list[Any] = []
        self.chosen: tuple[str, list[str]] | None = None   # filled text + variables still to ask

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Canned replies — type to search, Enter to insert, Esc to cancel"
            yield Input(self.query_text, placeholder="Search shortcut, title, text, tags",
                        id="canned-search")
            yield OptionList(id="canned-list")
            yield Static(id="canned-preview")
            yield Label("", id="canned-ask")

    def on_mount(self) -> None:
        search = self.query_one("#canned-search", Input)
        if self.absorb is not None:
            self.query_text += self.absorb()
            search.value = self.query_text
            search.cursor_position = len(self.query_text)
        self._search(self.query_text)
        search.focus()

    # --- search and preview --------------------------------------------------------------------
    @on(Input.Changed, "#canned-search")
    def _changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def _search(self, query: str) -> None:
        self.shown = list(self.rank(self.replies, query))
        options = self.query_one("#canned-list", OptionList)
        options.clear_options()
        for reply in self.shown:
            options.add_option(Option(Content.assemble(
                (f"/{reply.shortcut}", "bold $accent"), "  ", fit(reply.title, 40), "  ",
                (fit(reply.body.replace("\n", " "), 60), "$text-muted"))))
        if self.shown:
            options.highlighted = 0
        self._preview()

    @on(OptionList.OptionHighlighted)
    def _preview(self, *_: Any) -> None:
        preview = self.query_one("#canned-preview", Static)
        reply = self.current
        if reply is None:
            preview.update(Content.styled("No canned reply matches.", "$text-muted italic"))
            return
        text, missing = self.fill(reply)
        bits: list[Any] = [text]
        if missing:
            bits += ["\n", (f"To fill in: {', '.join(missing)}", "$warning")]
        preview.update(Content.assemble(*bits))

    @property
    def current(self) -> Any:
        options = self.query_one("#canned-list", OptionList)
        index = options.highlighted
        return self.shown[index] if index is not None and 0 <= index < len(self.shown) else None

    def action_move(self, delta: int) -> None:
        if self.chosen is not None:
            return
        options = self.query_one("#canned-list", OptionList)
        if options.option_count:
            options.highlighted = max(0, min(options.option_count - 1, (options.highlighted or 0) + delta))

    # --- choosing and asking for missing values -----------------------------------------------
    @on(Input.Submitted, "#canned-search")
    @on(OptionList.OptionSelected)
    def _choose(self, *_: Any) -> None:
        reply = self.current
        if reply is None:
            return
        text, missing = self.fill(reply)
        if not missing:
            self.dismiss(text)
            return
        self.chosen = (text, list(missing))
        self.query_one("#canned-ask", Label).update(
            Content("This reply needs values the desk does not know. Fill them in, Enter to insert."))
        boxes = [Input(placeholder=name, classes="missing", name=name) for name in missing]
        for box in boxes:
            box.border_title = box.name
            self.query_one(Vertical).mount(box)
        if boxes:
            self.call_after_refresh(boxes[0].focus)

    @on(Input.Submitted, ".missing")
    def _missing_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        boxes = list(self.query(".missing").results(Input))
        empty = [b for b in boxes if not b.value.strip()]
        if empty:
            empty[0].focus()
            return
        text, _ = self.chosen or ("", [])
        for box in boxes:
            text = text.replace("{" + (box.name or "") + "}", box.value.strip())
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
