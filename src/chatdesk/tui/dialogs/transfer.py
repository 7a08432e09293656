"""Transfer a chat to another operator or a department, with a hand-off note.

Only colleagues who are signed in are offered, each labelled by their role. A department where
nobody else is online is marked so; choosing it asks once more, because the chat would wait in
the queue and could come straight back to the one who sent it."""
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
    to: str = ""        # who or where, for the confirmation


def online_in(department: str, operators: Sequence[Any], my_id: int | None) -> int:
    """How many colleagues in this department would take a chat now (online, not me)."""
    return sum(1 for op in operators
               if op.id != my_id and op.status == "online" and department in op.departments)


class TransferDialog(Dialog[TransferChoice]):
    TITLE_TEXT = "Transfer this chat"
    SUBMIT_LABEL = "Transfer"
    CANCEL_TEXT = "Not transferred: the chat stays with you."
    KEYS_TEXT = "↑/↓ choose · Enter on to the note · Enter or ctrl+s transfer · Esc cancel"

    def __init__(self, operators: Sequence[Any], departments: Sequence[str], my_id: int | None) -> None:
        super().__init__()
        self.targets: list[TransferChoice] = []   # note filled in on submit
        self.options: list[Option] = []
        self.empty: set[int] = set()              # indexes of departments with nobody online
        self._warned: int | None = None
        for op in operators:
            if op.id == my_id or op.status == "offline":
                continue
            self.targets.append(TransferChoice(op.id, None, "", op.name))
            self.options.append(Option(Content.assemble(
                (f"{op.role:<11}", "$text-muted"), (op.name, "bold"),
                (f"  {op.status.replace('_', ' ')} · {op.active_chats}/{op.max_chats}", "$text-muted"))))
        for dept in departments:
            online = online_in(dept, operators, my_id)
            if not online:
                self.empty.add(len(self.targets))
            self.targets.append(TransferChoice(None, dept, "", f"the {dept} queue"))
            self.options.append(Option(Content.assemble(
                ("department ", "$text-muted"), (dept, "bold"),
                (f"  {online} online" if online else "  nobody online: waits in the queue",
                 "$text-muted" if online else "$warning"))))

    def fields(self) -> ComposeResult:
        yield Label("To" if self.options else "To: nobody else is signed in and there are no departments")
        yield OptionList(*self.options, id="transfer-target")
        yield Label("Hand-off note")
        yield Input(placeholder="e.g. wants a refund for order 1234, already checked the address",
                    id="transfer-note")

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
            self.complain("Not transferred: there is nobody to transfer to right now.")
            return None
        target = self.targets[index]
        if index in self.empty and self._warned != index:
            self._warned = index
            self.complain(f"Nobody else in {target.department} is online: the chat would wait in the queue "
                          "and could come back to you. Enter again transfers anyway; or pick someone.")
            return None
        return TransferChoice(target.operator_id, target.department, value(self, "#transfer-note"), target.to)
