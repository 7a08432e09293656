"""A missed chat, opened from the board to follow it up: who the visitor is, what they wrote, the
page they were on, whether they are on the site now, and what can be done: leave a callback (c,
kept on the visitor and written into the chat) or, while they are on the site, invite them back
(i: a typed opener or a canned reply; their reply is a chat already yours, as from the Visitors list).

The visitor's words, name and page are untrusted: cleaned by the client, shown as plain values."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.widgets import Static

from chatdesk.tui.format import fmt_clock, fmt_wait, update_if_changed
from chatdesk.tui.keymap import MISSED_BINDINGS
from chatdesk.tui.screens.staff_base import StaffScreen
from chatdesk.tui.widgets.key_footer import KeyFooter
from chatdesk.tui.widgets.transcript import Transcript

GONE = "The visitor has left the site, so they cannot be invited back. Leave a callback (c) instead."


class MissedChatScreen(StaffScreen):
    BINDINGS: ClassVar[list[BindingType]] = [*MISSED_BINDINGS]

    def __init__(self, session: Any, clock: Callable[[], float], missed: Any, **kwargs: Any) -> None:
        """`missed`: the board's MissedChat row (cleaned)."""
        super().__init__(session, clock, **kwargs)
        self.missed = missed
        self.detail: Any = None
        self.visitor: Any = None
        self.callbacks = 0                   # recorded from this screen

    @property
    def conversation_id(self) -> int:
        return int(self.missed.id)

    def compose(self) -> ComposeResult:
        yield Static(id="missed-header")
        yield Transcript(self.conversation_id, id="missed-transcript")
        yield Static(id="missed-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sync_header()
        self.action_reload()
        self.query_one(Transcript).focus()

    @property
    def online(self) -> bool:
        v = self.visitor
        return bool(v.online) if v is not None else bool(self.missed.visitor_online)

    def sync_header(self) -> None:
        m, v = self.missed, self.visitor
        name = (v.name if v is not None else m.visitor_name) or f"Visitor {m.visitor_id[:6]}"
        url = (v.current_url if v is not None else m.page_url) or ""
        title = (v.current_title if v is not None else m.page_title) or ""
        if self.online:
            state: tuple[str, str] = ("● on the site now", "bold $success")
        else:
            seen = v.last_seen if v is not None else m.visitor_last_seen
            state = (f"○ left the site{f' {fmt_wait(self.clock() - seen)} ago' if seen else ''}", "$text-muted")
        waited = (m.closed_at or m.queued_at) - m.queued_at
        contact = [c for c in ((v.phone, v.email) if v is not None else ()) if c]
        update_if_changed(self.query_one("#missed-header", Static), Content.assemble(
            ("Missed chat ", "bold $accent"), (name, "bold"), "  ", state, "\n",
            ("queued ", "$text-muted"), fmt_clock(m.queued_at), ("  waited ", "$text-muted"), fmt_wait(waited),
            ("  department ", "$text-muted"), m.department or "—",
            ("  contact ", "$text-muted"), ", ".join(contact) or "none given", "\n",
            ("page ", "$text-muted"), title or "—", ("  " if title and url else "", ""), (url, "$text-muted")))
        hint = ("c leave a callback · i invite them back (their reply is your chat) · Esc back"
                if self.online else "c leave a callback · the visitor has left the site · Esc back")
        update_if_changed(self.query_one("#missed-hint", Static), Content.styled(hint, "$text-muted"))

    def action_reload(self) -> None:
        cid = self.conversation_id

        async def fetch() -> tuple[Any, Any]:
            from chatdesk.client.sanitize import clean_value
            detail = clean_value(await self.session.api.conversation(cid, last=200, events=False))
            visitor = clean_value(await self.session.api.visitor(detail.conversation.visitor_id))
            return detail, visitor

        def got(answer: tuple[Any, Any]) -> None:
            self.detail, self.visitor = answer
            self.query_one(Transcript).set_messages(self.detail.messages, [], [], self.detail.has_older)
            self.sync_header()
        self.call_api("Missed chat", fetch, got, replaces="missed")

    def action_callback(self) -> None:
        from chatdesk.tui.dialogs.callback import CallbackChoice, CallbackDialog
        v = self.visitor
        cid = self.conversation_id

        def chosen(choice: CallbackChoice | None) -> None:
            if choice is None:
                return

            def done(_: Any) -> None:
                self.callbacks += 1
                self.notify(f"Callback recorded: {choice.channel} {choice.value}.", markup=False)
                self.action_reload()
            self.call_api("Callback", lambda: self.session.callback(cid, choice.channel, choice.value,
                                                                    note=choice.note), done)
        self.app.push_screen(CallbackDialog(v.phone if v else "", v.email if v else ""), chosen)

    def action_invite(self) -> None:
        """An opener to the visitor while they are on the site (the server refuses with a sentence
        when it cannot be sent: they left meanwhile, are chatting, or you could not answer)."""
        if not self.online:
            self.notify(GONE, severity="warning", markup=False)
            return
        from chatdesk.tui.dialogs.invite import InviteDialog, InviteText
        m, v = self.missed, self.visitor
        who = (v.name if v is not None else m.visitor_name) or f"Visitor {m.visitor_id[:6]}"

        def send(answer: InviteText | None) -> None:
            if answer is None:
                return
            self.call_api("Invite", lambda: self.session.api.browsing.invite(
                m.visitor_id, body=answer.body, canned_id=answer.canned_id),
                lambda _inv: self.notify(f"Invited {who}; their reply will be your chat.", markup=False))
        self.app.push_screen(InviteDialog(who, list(self.store.canned)), send)
