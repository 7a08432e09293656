"""The approval queue (trainers): novices' messages held before the visitor sees them, oldest
first, each with its conversation around it. a approves as written, e edits then approves, x
rejects with a note. The list is live (approval.requested / approval.resolved)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from chatdesk.tui.dialogs.staff_dialogs import EditApprovalDialog, LineDialog
from chatdesk.tui.format import fit, fmt_clock, fmt_wait, update_if_changed
from chatdesk.tui.keymap import APPROVAL_BINDINGS
from chatdesk.tui.screens.staff_base import StaffScreen
from chatdesk.tui.widgets.key_footer import KeyFooter
from chatdesk.tui.widgets.transcript import Transcript

NEEDS_ONE = {"approve", "edit_approve", "reject"}

CONTEXT_MESSAGES = 200        # how much of the chat a trainer sees around a held message


class ApprovalQueueScreen(StaffScreen):
    BINDINGS: ClassVar[list[BindingType]] = [*APPROVAL_BINDINGS]

    def __init__(self, session: Any, clock: Callable[[], float], **kwargs: Any) -> None:
        super().__init__(session, clock, **kwargs)
        self.items: list[Any] = []              # pending Approvals in list order
        self.context_id: int | None = None      # conversation shown on the right

    def compose(self) -> ComposeResult:
        yield Static(id="approvals-header")
        with Horizontal(id="approvals-body"):
            yield OptionList(id="approvals-list")
            with Vertical(id="approvals-context"):
                yield Static(id="approvals-context-title")
                yield Transcript(0, id="approvals-transcript")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.follow_store(self._on_change)
        self.sync_list()
        self.call_api("Approvals", lambda: self.session.staff.load_approvals("pending"), lambda _: self.sync_list())
        self.set_interval(1.0, self.sync_header)
        self.query_one("#approvals-list", OptionList).focus()

    def _on_change(self, change: Any) -> None:
        if change.kind == "approval":
            resolved = self.store.oversight.approvals.get(change.id)
            self.sync_list()
            if resolved is not None and resolved.conversation_id == self.context_id:
                self.load_context(force=True)     # the pane must not show it as awaiting any more
        elif change.kind == "messages" and change.id == self.context_id:
            self.load_context(force=True)

    @property
    def selected(self) -> Any | None:
        index = self.query_one("#approvals-list", OptionList).highlighted
        return self.items[index] if index is not None and 0 <= index < len(self.items) else None

    def sync_header(self) -> None:
        oldest = min((a.created_at for a in self.items), default=None)
        bits: list[Any] = [("Approval queue ", "bold $accent"), (f"· {len(self.items)} waiting", "bold")]
        if oldest is not None:
            bits += [("  oldest ", "$text-muted"), fmt_wait(self.clock() - oldest)]
        bits += [("   a approve · e edit & approve · x reject", "$text-muted")]
        update_if_changed(self.query_one("#approvals-header", Static), Content.assemble(*bits), layout=False)

    def sync_list(self) -> None:
        keep = self.selected.id if self.selected is not None else None
        self.items = self.store.oversight.pending_approvals()
        box = self.query_one("#approvals-list", OptionList)
        box.clear_options()
        box.add_options([Option(Content.assemble(
            (a.author_name or "Operator", "bold"), (f"  {fmt_clock(a.created_at)}  chat {a.conversation_id}", "$text-muted"),
            "\n", fit(a.body.replace("\n", " "), 120)), id=str(a.id)) for a in self.items])
        if self.items:
            ids = [a.id for a in self.items]
            box.highlighted = ids.index(keep) if keep in ids else 0
        self.sync_header()
        self.refresh_bindings()
        self.load_context()

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self.load_context()

    def load_context(self, force: bool = False) -> None:
        """The conversation around the selected message (over REST: the trainer does not hold it)."""
        a = self.selected
        title = self.query_one("#approvals-context-title", Static)
        transcript = self.query_one(Transcript)
        if a is None:
            self.context_id = None
            update_if_changed(title, Content.styled("Nothing waits for approval.", "$text-muted"))
            transcript.set_messages([], [], [])
            return
        if a.conversation_id == self.context_id and not force:
            return
        self.context_id = a.conversation_id

        async def fetch() -> Any:
            from chatdesk.client.sanitize import clean_value
            return clean_value(await self.session.api.conversation(a.conversation_id, last=CONTEXT_MESSAGES, events=False))

        def got(detail: Any) -> None:
            name = detail.visitor.name or "the visitor"
            update_if_changed(title, Content.assemble(
                ("Chat with ", "$text-muted"), (name, "bold"), (" held by ", "$text-muted"),
                (detail.conversation.operator_name or "nobody", "bold"), ("  ", ""),
                (detail.conversation.state, "$text-muted"), "\n",
                ("The held message is marked ◔ below; the visitor has seen nothing of it.", "$text-muted")))
            transcript.set_messages(detail.messages, [], detail.approvals)
        self.call_api("Conversation", fetch, got, replaces="context")   # the trainer may move on

    # --- actions ---------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NEEDS_ONE and not self.items:
            return None
        return True

    def action_approve(self) -> None:
        a = self.selected
        if a is not None:
            self.call_api("Approve", lambda: self.session.staff.approve(a.id),
                          lambda _: self.notify("Approved: the visitor has it now."))

    def action_edit_approve(self) -> None:
        a = self.selected
        if a is None:
            return

        def chosen(text: str | None) -> None:
            if text:
                self.call_api("Approve", lambda: self.session.staff.approve(a.id, body=text),
                              lambda _: self.notify("Approved with your edit."))
        self.app.push_screen(EditApprovalDialog(a.body), chosen)

    def action_reject(self) -> None:
        a = self.selected
        if a is None:
            return

        def chosen(note: str | None) -> None:
            if note is not None:
                self.call_api("Reject", lambda: self.session.staff.reject(a.id, note=note),
                              lambda _: self.notify("Rejected: the visitor never sees it."))
        self.app.push_screen(LineDialog("Reject — the visitor never sees this message",
                                        "Note for the novice (why, what to say instead)", submit="Reject",
                                        required=False), chosen)
