"""Monitor: someone else's chat, read-only and live (transcript + the visitor's journey). From here
a supervisor or trainer whispers to the operator, joins, says something to the visitor, takes the
chat over or reassigns it. The operator's desk shows who is watching.

The view lives in `store.oversight.monitored` (the session watches on the server and keeps it current); this
screen redraws from the store's changes and unwatches when it closes."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from chatdesk.tui.dialogs.staff_dialogs import LineDialog, ReassignDialog, Reassignment
from chatdesk.tui.format import update_if_changed, visitor_label
from chatdesk.tui.keymap import MONITOR_BINDINGS
from chatdesk.tui.screens.staff_base import StaffScreen
from chatdesk.tui.widgets.journey_sidebar import JourneySidebar
from chatdesk.tui.widgets.key_footer import KeyFooter
from chatdesk.tui.widgets.transcript import Transcript

NEEDS_LIVE = {"whisper", "join", "take_over", "reassign", "say"}


class MonitorScreen(StaffScreen):
    class ChatTaken(Message):
        """The monitored chat became mine (a take-over): the desk should show it."""

        def __init__(self, conversation_id: int) -> None:
            super().__init__()
            self.conversation_id = conversation_id

    BINDINGS: ClassVar[list[BindingType]] = [*MONITOR_BINDINGS]

    def __init__(self, session: Any, clock: Callable[[], float], conversation_id: int, **kwargs: Any) -> None:
        super().__init__(session, clock, **kwargs)
        self.conversation_id = conversation_id
        self.loaded = False
        self.closed = False
        self.taken = False
        self._left = False

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100, "-narrow")     # like the desk: the transcript first

    @property
    def view(self) -> Any:
        return self.store.oversight.monitored.get(self.conversation_id)

    def compose(self) -> ComposeResult:
        yield Static(id="monitor-header")
        with Horizontal(id="monitor-body"):
            me = self.store.me
            yield Transcript(self.conversation_id, my_id=me.id if me else None, id="monitor-transcript")
            yield JourneySidebar(clock=self.clock, id="monitor-journey")
        yield KeyFooter()

    def on_mount(self) -> None:
        for box in self.query_one(JourneySidebar).query(Input):
            box.disabled = True                      # read-only here: the holder edits the contact
        self.follow_store(self._on_change)
        self.sync_header()
        self.call_api("Monitor", lambda: self.session.staff.monitor(self.conversation_id), self._loaded)
        self.query_one(Transcript).focus()

    def _loaded(self, _view: Any) -> None:
        self.loaded = True
        self.closed = self.view is not None and self.view.conversation.state != "active"
        self.sync_all()

    def on_unmount(self) -> None:
        super().on_unmount()
        if not self.taken:
            asyncio.get_running_loop().create_task(self._unwatch())

    async def _unwatch(self) -> None:
        try:
            await self.session.staff.unmonitor(self.conversation_id)
        except Exception:
            pass   # the server may be gone; a watch also ends when the chat closes

    def _on_change(self, change: Any) -> None:
        if change.id != self.conversation_id:
            return
        if change.kind == "monitor" and change.detail == "closed":
            self.closed = True
            self.notify("This chat has closed.", markup=False)
        if change.kind in ("messages", "monitor", "watchers", "visitor", "typing", "approval"):
            self.sync_all()
        if change.kind == "conversation" and change.detail in ("added", "updated") \
                and self.store.holds_open(self.conversation_id):
            self.taken = True                       # it became mine (take over): go to the desk tab
            self.back_to_desk(self.conversation_id)

    def on_transcript_older_wanted(self, event: Transcript.OlderWanted) -> None:
        self.call_api("Older messages", lambda: self.session.load_older(event.conversation_id))

    def sync_all(self) -> None:
        view = self.view
        if view is not None:
            self.query_one(Transcript).set_messages(view.messages, view.pending, view.approvals, view.has_older)
            self.query_one(JourneySidebar).set_visitor(view.visitor, self.conversation_id)
        self.sync_header()
        self.refresh_bindings()

    def sync_header(self) -> None:
        view = self.view
        if view is None:
            update_if_changed(self.query_one("#monitor-header", Static), Content.styled(
                f"Monitoring chat {self.conversation_id}…" if not self.loaded else
                "This chat is no longer being monitored.", "$text-muted"))
            return
        conv = view.conversation
        state = {"active": ("live", "bold $success"), "queued": ("in the queue", "bold $warning")}.get(
            conv.state, (conv.state, "bold $error"))
        me = self.store.me
        watchers = [w.name for w in view.watchers if me is None or w.id != me.id]
        joined = [j.name for j in view.joined]
        first = [("◉ Monitoring ", "bold $accent"), (visitor_label(view.visitor), "bold"),
                 (" with ", "$text-muted"), (conv.operator_name or "nobody yet", "bold"),
                 ("  ", ""), state, ("   read-only", "$text-muted")]
        second: list[Any] = [("also watching: ", "$text-muted"), ", ".join(watchers) or "nobody"]
        if joined:
            second += [("   joined: ", "$text-muted"), ", ".join(joined)]
        if view.visitor_typing:
            second += [("   the visitor is typing…", "italic $text-muted")]
        update_if_changed(self.query_one("#monitor-header", Static), Content.assemble(*first, "\n", *second))

    # --- actions ---------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NEEDS_LIVE and (self.view is None or self.closed):
            return None
        return True

    def action_whisper(self) -> None:
        view = self.view
        holder = view.conversation.operator_name if view is not None else ""

        def chosen(text: str | None) -> None:
            if text:
                self.call_api("Whisper", lambda: self.session.staff.whisper(self.conversation_id, text))
        self.app.push_screen(LineDialog(f"Whisper to {holder or 'the operator'} — the visitor never sees it",
                                        "Whisper", "e.g. ask for the order number", "Whisper"), chosen)

    def action_join(self) -> None:
        self.call_api("Join", lambda: self.session.staff.join(self.conversation_id),
                      lambda _: self.notify("You joined: what you say (s) reaches the visitor too."))

    def action_say(self) -> None:
        def chosen(text: str | None) -> None:
            if text:
                self.call_api("Say", lambda: self.session.send(self.conversation_id, text))
        self.app.push_screen(LineDialog("Write to the visitor (you join the chat)", "Message",
                                        submit="Send"), chosen)

    def action_take_over(self) -> None:
        def done(view: Any) -> None:
            self.taken = True
            self.notify("The chat is yours now.")
            self.back_to_desk(self.conversation_id)

        def answered(yes: bool | None) -> None:
            if yes:
                self.call_api("Take over", lambda: self.session.staff.take_over(self.conversation_id), done)
        view = self.view
        holder = (view.conversation.operator_name if view is not None else "") or "the operator"
        from chatdesk.tui.dialogs.confirm import ConfirmDialog
        self.app.push_screen(ConfirmDialog(
            "Take this chat over?", f"The chat moves to you: {holder} can no longer write in it, and "
            "the visitor gets your answers from now on.", yes="Take over",
            cancelled="Not taken over: still watching."), answered)

    def action_reassign(self) -> None:
        view = self.view
        if view is None:
            return
        operators = sorted(self.store.operators.values(), key=lambda o: o.name.lower())

        def chosen(choice: Reassignment | None) -> None:
            if choice is not None:
                name = self.store.operators[choice.operator_id].name
                self.call_api("Reassign", lambda: self.session.staff.reassign(
                    self.conversation_id, choice.operator_id, choice.note),
                    lambda _: self.notify(f"Moved to {name}.", markup=False))
        self.app.push_screen(ReassignDialog(operators, view.conversation.operator_id), chosen)

    def back_to_desk(self, cid: int) -> None:
        """The chat is mine now: the app goes back to the desk, which shows its tab (told once)."""
        if not self._left:
            self._left = True
            self.post_message(self.ChatTaken(cid))
