"""Transfer a chat to another operator or a department, with a hand-off note."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from chatdesk.tui.dialogs.dialog import Dialog, value


@dataclass(frozen=True)
class TransferChoice:
    operator_id: int | None
    department: str | None
    note: str


class TransferDialog(Dialog[TransferChoice]):
    TITLE_TEXT = "Transfer this chat"
    SUBMIT_LABEL = "Transfer"

    def __init__(self, operators: Sequence[Any], departments: Sequence[str], my_id: int | None) -> None:
        super().__init__()
        self.targets: list[tuple[int | None, str | None]] = []
        self.options: list[Option] = []
        for op in operators:
            if op.id == my_id:
                continue
            self.targets.append((op.id, None))
            self.options.append(Option(Content.assemble(
                ("operator  ", "$text-muted"), (op.name, "bold"),
                (f"  {op.status} · {op.active_chats}/{op.max_chats}", "$text-muted"))))
        for dept in departments:
            self.targets.append((None, dept))
            self.options.append(Option(Content.assemble(("department  ", "$text-muted"), (dept, "bold"))))

    def fields(self) -> ComposeResult:
        yield Label("To")
        yield OptionList(*self.options, id="transfer-target")
        yield Label("Hand-off note")
        yield Input(placeholder="What the next person needs to know", id="transfer-note")

    def on_mount(self) -> None:
        target = self.query_one("#transfer-target", OptionList)
        if self.options:
            target.highlighted = 0
        target.focus()

    def on_option_list_option_selected(self) -> None:
        self.query_one("#transfer-note", Input).focus()

    def result(self) -> TransferChoice | None:
        index = self.query_one("#transfer-target", OptionList).highlighted
        if index is None or not self.targets:
            self.complain("Pick an operator or a department.")
            return None
        operator_id, department = self.targets[index]
        return TransferChoice(operator_id, department, value(self, "#transfer-note"))
