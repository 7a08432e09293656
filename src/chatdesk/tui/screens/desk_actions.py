"""What the operator can do from the desk. Every network call runs in a worker; a refusal or an
unreachable server becomes an error notification carrying the server's (or client's) sentence."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chatdesk.protocol.limits import MAX_BODY
from chatdesk.tui.api_worker import call_api
from chatdesk.tui.format import visitor_label
from chatdesk.tui.widgets.composer import Composer
from chatdesk.tui.widgets.journey_sidebar import JourneySidebar
from chatdesk.tui.widgets.queue_panel import QueuePanel

if TYPE_CHECKING:
    from chatdesk.tui.screens.callback import CallbackChoice
    from chatdesk.tui.screens.close import CloseChoice
    from chatdesk.tui.screens.transfer import TransferChoice

# The dialogs are imported when first opened: none of them is on the way to the first screen.
NEEDS_CHAT = {"transfer", "note", "callback", "close_chat", "send_parts", "send_checking", "canned",
              "edit_visitor", "visitor_note", "retry_failed", "discard_failed"}


class DeskActions:
    """Mixed into DeskScreen; relies on its session, store, active_id and widgets."""

    session: Any
    active_id: int | None
    tab_order: list[int]

    # --- plumbing --------------------------------------------------------------------------------
    def call_api(self, what: str, call: Callable[[], Any],
                 done: Callable[[Any], None] | None = None, quiet: bool = False) -> None:
        call_api(self, what, call, done, quiet)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NEEDS_CHAT and self.active_id is None:
            return None   # shown dimmed in the footer: there is no chat to act on
        return True

    def _need_chat(self) -> int | None:
        if self.active_id is None:
            self.notify("Open a chat first: accept one from the queue.", severity="warning")
        return self.active_id

    # --- queue -----------------------------------------------------------------------------------
    def action_focus_queue(self) -> None:
        self.query_one(QueuePanel).focus()

    def action_focus_composer(self) -> None:
        self.query_one(Composer).focus()

    def accept(self, cid: int) -> None:
        self._switch_to_on_arrival = cid
        if cid in self.tab_order:
            self.switch_to(cid)
            return
        self.call_api("Accept", lambda: self.session.accept(cid),
                      lambda _: self.query_one(Composer).focus())

    def on_queue_panel_accept_requested(self, event: QueuePanel.AcceptRequested) -> None:
        self.accept(event.conversation_id)

    def action_accept_selected(self) -> None:
        selected = self.query_one(QueuePanel).selected_id
        if selected is not None:
            self.accept(selected)

    def action_accept_oldest(self) -> None:
        entries = self.store.queue_sorted()
        if not entries:
            self.notify("Nobody is waiting in the queue.")
            return
        self.accept(entries[0].conversation.id)

    # --- tabs ------------------------------------------------------------------------------------
    def action_next_tab(self) -> None:
        self._step_tab(1)

    def action_prev_tab(self) -> None:
        self._step_tab(-1)

    def _step_tab(self, delta: int) -> None:
        if not self.tab_order:
            return
        index = self.tab_order.index(self.active_id) if self.active_id in self.tab_order else 0
        self.switch_to(self.tab_order[(index + delta) % len(self.tab_order)])

    def action_goto_tab(self, n: int) -> None:
        if 1 <= n <= len(self.tab_order):
            self.switch_to(self.tab_order[n - 1])

    # --- composer --------------------------------------------------------------------------------
    def on_composer_submitted(self, event: Composer.Submitted) -> None:
        cid = self._need_chat()
        if cid is None:
            return
        self._send(cid, event.text.strip())

    def _send(self, cid: int, text: str, parts: bool = False) -> None:
        if not parts and len(text) > MAX_BODY:
            self.notify(f"This reply is {len(text):,} characters; one message holds {MAX_BODY:,}. "
                        "Send it in parts (ctrl+r) or shorten it.", severity="warning", markup=False)
            return
        composer = self.query_one(Composer)
        composer.stop_typing()
        composer.set_draft("")
        self.store.conversations[cid].draft = ""
        if parts:
            self.call_api("Send", lambda: self.session.send_parts(cid, text, max_len=self.split_len))
        else:
            self.call_api("Send", lambda: self.session.send(cid, text))

    def action_send_parts(self) -> None:
        cid = self._need_chat()
        text = self.query_one(Composer).text.strip()
        if cid is not None and text:
            self._send(cid, text, parts=True)

    def action_send_checking(self) -> None:
        cid = self._need_chat()
        if cid is not None:
            self.call_api("Send", lambda: self.session.send(cid, self.checking_text))

    def _failed(self) -> list[Any]:
        view = self.store.conversations.get(self.active_id) if self.active_id is not None else None
        return [p for p in view.pending if p.state == "failed"] if view is not None else []

    def action_retry_failed(self) -> None:
        failed = self._failed()
        for item in failed:
            self.call_api("Retry", lambda cmid=item.client_msg_id: self.session.retry(cmid))
        self.notify(f"Sending {len(failed)} message(s) again." if failed else "No failed messages here.")

    def action_discard_failed(self) -> None:
        failed = self._failed()
        for item in failed:
            self.call_api("Discard", lambda cmid=item.client_msg_id: self.session.discard(cmid))
        self.notify(f"Dropped {len(failed)} message(s)." if failed else "No failed messages here.")

    def on_composer_typing_changed(self, event: Composer.TypingChanged) -> None:
        cid = self.active_id
        if cid is not None:
            self.call_api("Typing", lambda: self.session.typing(cid, event.is_typing), quiet=True)

    def on_composer_canned_requested(self) -> None:
        self.action_canned(from_slash=True)

    def action_canned(self, from_slash: bool = False) -> None:
        cid = self._need_chat()
        if cid is None:
            return
        from chatdesk.client.canned import rank
        composer = self.query_one(Composer)

        def inserted(text: str | None) -> None:
            if text:
                composer.insert(text)
            composer.focus()

        def typed_after_slash() -> str:
            # A fast typist's "/back" can reach the reply box before the picker is up: what landed
            # there after the "/" is the start of the search, not a draft.
            typed = composer.text
            composer.set_draft("")
            return typed

        from chatdesk.tui.widgets.canned_picker import CannedPicker
        picker = CannedPicker(self.store.canned, rank, lambda reply: self.session.fill_canned(reply, cid),
                              absorb=typed_after_slash if from_slash else None)
        self.app.push_screen(picker, inserted)

    # --- dialogs ---------------------------------------------------------------------------------
    def action_help(self) -> None:
        from chatdesk.tui.screens.help import HelpScreen
        self.app.push_screen(HelpScreen(getattr(self.app, "user_keymap", {})))

    def action_status(self, status: str | None = None) -> None:
        def chosen(value: str | None) -> None:
            if value:
                self.call_api("Status", lambda: self.session.set_status(value),
                              lambda _: self.notify(f"Status: {value.replace('_', ' ')}."))
        if status:
            chosen(status)
            return
        me = self.store.me
        from chatdesk.tui.screens.status import StatusDialog
        self.app.push_screen(StatusDialog(me.status if me else "online", holding=len(self.tab_order)), chosen)

    def action_transfer(self) -> None:
        cid = self._need_chat()
        if cid is None:
            return
        me = self.store.me

        def chosen(choice: TransferChoice | None) -> None:
            if choice is not None:
                self.call_api("Transfer", lambda: self.session.transfer(
                    cid, operator_id=choice.operator_id, department=choice.department, note=choice.note),
                    lambda _: self.notify("Chat transferred."))
        operators = sorted(self.store.operators.values(), key=lambda o: o.name.lower())
        from chatdesk.tui.screens.transfer import TransferDialog
        self.app.push_screen(TransferDialog(operators, self.departments, me.id if me else None), chosen)

    def action_close_chat(self) -> None:
        cid = self._need_chat()
        if cid is None:
            return

        def chosen(choice: CloseChoice | None) -> None:
            if choice is not None:
                self.call_api("Close", lambda: self.session.close(
                    cid, choice.summary, choice.tags, follow_up=choice.follow_up),
                    lambda _: self.notify("Chat closed."))
        from chatdesk.tui.screens.close import CloseDialog
        self.app.push_screen(CloseDialog(), chosen)

    def action_note(self) -> None:
        cid = self._need_chat()
        if cid is None:
            return
        from chatdesk.tui.screens.note import NoteDialog
        self.app.push_screen(NoteDialog(), lambda body: body and self.call_api(
            "Note", lambda: self.session.send(cid, body, kind="note")))

    def action_callback(self) -> None:
        cid = self._need_chat()
        if cid is None:
            return
        visitor = self.store.conversations[cid].visitor

        def chosen(choice: CallbackChoice | None) -> None:
            if choice is not None:
                self.call_api("Callback", lambda: self.session.callback(
                    cid, choice.channel, choice.value, note=choice.note),
                    lambda _: self.notify(f"Callback recorded for {visitor_label(visitor)}.", markup=False))
        from chatdesk.tui.screens.callback import CallbackDialog
        self.app.push_screen(CallbackDialog(visitor.phone, visitor.email), chosen)

    # --- sidebar ---------------------------------------------------------------------------------
    def action_toggle_sidebar(self) -> None:
        self.toggle_class("-sidebar-open" if self.has_class("-narrow") else "-sidebar-closed")

    def action_edit_visitor(self) -> None:
        self.remove_class("-sidebar-closed")
        self.add_class("-sidebar-open")
        self.query_one("#journey-name").focus()

    def action_visitor_note(self) -> None:
        self.remove_class("-sidebar-closed")
        self.add_class("-sidebar-open")
        self.query_one("#journey-new-note").focus()

    def on_journey_sidebar_visitor_edited(self, event: JourneySidebar.VisitorEdited) -> None:
        if event.conversation_id is None:
            return
        self.call_api("Save contact", lambda: self.session.update_visitor(
            event.conversation_id, **{event.field: event.value}),
            lambda _: self.notify(f"Saved the visitor's {event.field}."))

    def on_journey_sidebar_note_added(self, event: JourneySidebar.NoteAdded) -> None:
        if event.conversation_id is None:
            return
        self.call_api("Visitor note", lambda: self.session.add_visitor_note(event.conversation_id, event.body),
                      lambda _: self.notify("Note kept on the visitor."))
