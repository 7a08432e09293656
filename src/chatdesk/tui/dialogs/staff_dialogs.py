"""Small dialogs of the supervisor / trainer screens: a line of text (whisper, note, say), a chat
limit, a reassignment, an edited approval, a transcript export. Untrusted text shown here (names,
a novice's message) goes in as plain values, never as markup."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from chatdesk.tui.dialogs.dialog import Dialog, value
from chatdesk.tui.keymap import EXPORT_BINDINGS


class LineDialog(Dialog[str]):
    """One line of text: a whisper, a coaching note, a line to the visitor."""

    def __init__(self, title: str, label: str, placeholder: str = "", submit: str = "OK",
                 initial: str = "", required: bool = True) -> None:
        super().__init__()
        self.TITLE_TEXT, self.SUBMIT_LABEL = Content(title), submit   # may hold a name: no markup
        self.KEYS_TEXT = f"Enter {submit.lower()} · Esc cancel"
        self.label, self.placeholder, self.initial, self.required = label, placeholder, initial, required

    def fields(self) -> ComposeResult:
        yield Label(Content(self.label))
        yield Input(self.initial, placeholder=self.placeholder, id="line-text")

    def result(self) -> str | None:
        text = value(self, "#line-text")
        if not text and self.required:
            self.complain("Write something first.")
            return None
        return text


class CapDialog(Dialog[int]):
    SUBMIT_LABEL = "Set limit"
    KEYS_TEXT = "Enter set limit · Esc cancel"
    CANCEL_TEXT = "The chat limit is unchanged."

    def __init__(self, name: str, current: int, held: int) -> None:
        super().__init__()
        self.TITLE_TEXT = Content(f"Chat limit for {name}")   # a name: never markup
        self.current, self.held = current, held

    def fields(self) -> ComposeResult:
        yield Label(Content(f"Holds {self.held} now. A lower limit keeps their chats and refuses "
                            "new ones until they are below it."))
        yield Input(str(self.current), placeholder="0-50", id="cap-value", type="integer")

    def result(self) -> int | None:
        text = value(self, "#cap-value")
        if not text.isdigit() or not 0 <= int(text) <= 50:
            self.complain("The limit is a whole number from 0 to 50.")
            return None
        return int(text)


@dataclass(frozen=True)
class Reassignment:
    operator_id: int
    note: str


class ReassignDialog(Dialog[Reassignment]):
    TITLE_TEXT = "Reassign this chat"
    SUBMIT_LABEL = "Reassign"
    CANCEL_TEXT = "Not reassigned."
    KEYS_TEXT = "↑/↓ choose · Enter on to the note · Enter or ctrl+s reassign · Esc cancel"

    def __init__(self, operators: Sequence[Any], exclude: int | None) -> None:
        super().__init__()
        self.targets = [op for op in operators if op.id != exclude]
        self.options = [Option(Content.assemble(
            (op.name, "bold"), (f"  {op.status.replace('_', ' ')} · {op.active_chats}/{op.max_chats}",
                                "$text-muted"))) for op in self.targets]

    def fields(self) -> ComposeResult:
        yield Label("To")
        yield OptionList(*self.options, id="reassign-target")
        yield Label("Note for them")
        yield Input(placeholder="Why it moves (optional)", id="reassign-note")

    def on_mount(self) -> None:
        target = self.query_one("#reassign-target", OptionList)
        if self.options:
            target.highlighted = 0
        target.focus()

    def on_option_list_option_selected(self) -> None:
        self.query_one("#reassign-note", Input).focus()

    def result(self) -> Reassignment | None:
        index = self.query_one("#reassign-target", OptionList).highlighted
        if index is None or not self.targets:
            self.complain("Pick an operator.")
            return None
        return Reassignment(self.targets[index].id, value(self, "#reassign-note"))


class EditBox(TextArea):
    """A text area where ctrl+a selects everything, as in a browser's text box (home goes to the
    line start). Handled with the typed keys, in order, not as a binding: a binding's action runs
    after keys already queued, so "ctrl+a, then type" arriving in one read would type first."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "ctrl+a":
            event.stop()
            event.prevent_default()
            self.select_all()
            return
        await super()._on_key(event)


class EditApprovalDialog(Dialog[str]):
    """The trainer's edit of a novice's message; ctrl+s approves the edited text, exactly as it
    stands in the box."""
    TITLE_TEXT = "Edit, then approve (ctrl+s) — the visitor gets this text"
    SUBMIT_LABEL = "Approve"
    CANCEL_TEXT = "Not approved: the message still waits."
    KEYS_TEXT = "ctrl+s approve the edited text · Esc cancel"

    def __init__(self, body: str) -> None:
        super().__init__()
        self.body = body

    def fields(self) -> ComposeResult:
        yield Label("Message", id="approval-label")
        yield EditBox(self.body, id="approval-body", soft_wrap=True)

    def on_mount(self) -> None:
        area = self.query_one("#approval-body", TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        self.app.call_later(self._ready)     # queued after the focus: the hint shows once keys reach the box

    def _ready(self) -> None:
        self.query_one("#approval-label", Label).update("Message (ctrl+a selects all, to replace it)")

    def result(self) -> str | None:
        text = self.query_one("#approval-body", TextArea).text
        if not text.strip():
            self.complain("The message is empty: reject it instead (x).")
            return None
        return text


@dataclass(frozen=True)
class ExportChoice:
    format: str
    path: Path


class ExportDialog(Dialog[ExportChoice]):
    TITLE_TEXT = "Export transcript"
    SUBMIT_LABEL = "Export"
    CANCEL_TEXT = "Nothing exported."
    KEYS_TEXT = "ctrl+j Markdown or JSON · Enter or ctrl+s export · Esc cancel"
    BINDINGS: ClassVar[list[BindingType]] = [*EXPORT_BINDINGS]

    def __init__(self, conversation_id: int, folder: Path | None = None) -> None:
        super().__init__()
        self.conversation_id = conversation_id
        self.folder = folder
        self.format = "md"

    def default_path(self) -> Path:
        from chatdesk.client.config import export_folder
        folder = self.folder or export_folder(getattr(getattr(self.app, "settings", None), "export_dir", ""))
        return folder / f"transcript-{self.conversation_id}.{self.format}"

    def fields(self) -> ComposeResult:
        yield Label("Format (ctrl+j switches): Markdown", id="export-format")
        yield Label("File")
        yield Input(str(self.default_path()), id="export-path")

    def action_toggle_format(self) -> None:
        box = self.query_one("#export-path", Input)
        was_default = box.value == str(self.default_path())
        self.format = "json" if self.format == "md" else "md"
        self.query_one("#export-format", Label).update(
            f"Format (ctrl+j switches): {'JSON' if self.format == 'json' else 'Markdown'}")
        if was_default:
            box.value = str(self.default_path())

    def result(self) -> ExportChoice | None:
        text = value(self, "#export-path")
        if not text:
            self.complain("Name a file.")
            return None
        return ExportChoice(self.format, Path(text).expanduser())
