"""The supervisor and trainer side of DeskStore (issue 4): monitored views of other operators'
chats, watchers and joined staff, held novice messages (approvals) and the board. A mixin, so the
store stays one object the TUI reads from; it relies on DeskStore's _emit, _view_from_detail,
_merge_visitor, _seq and conversations."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from chatdesk.protocol.models import Approval, Conversation, ConversationDetail, OperatorRef, Visitor, VisitorDetail

if TYPE_CHECKING:
    from chatdesk.protocol.staff import Board

from .sanitize import clean_value
from .view import Change, ConversationView, placeholder_visitor


class OversightMixin:
    def _init_oversight(self) -> None:
        self.monitored: dict[int, ConversationView] = {}   # staff: others' chats opened read-only
        self.approvals: dict[int, Approval] = {}           # staff: the queue; novices: their own
        self.board: Board | None = None                    # staff: after session.load_board()
        self.on_approval: Callable[[Approval], None] | None = None   # outbox acknowledgement (held)
        self.on_applied: Callable[[str, dict], None] | None = None   # after each durable event

    def view(self, conversation_id: int) -> ConversationView | None:
        """My conversation or one I monitor."""
        return self.conversations.get(conversation_id) or self.monitored.get(conversation_id)

    def _all_views(self) -> list[ConversationView]:
        return [*self.conversations.values(), *self.monitored.values()]

    def load_monitored(self, detail: ConversationDetail, visitor: VisitorDetail | None) -> ConversationView:
        """A staff member opened someone else's chat read-only; events keep it current."""
        cid = detail.conversation.id
        existed = cid in self.monitored
        view = self._view_from_detail(detail, visitor, self.monitored.get(cid))
        view.monitored = True
        self.monitored[cid] = view
        self._seq.pop(cid, None)
        self._emit(Change("monitor", cid, "updated" if existed else "added"))
        self._emit(Change("messages", cid, "reload"))
        return view

    def drop_monitored(self, conversation_id: int) -> None:
        if self.monitored.pop(conversation_id, None) is not None:
            self._emit(Change("monitor", conversation_id, "removed"))

    def set_approvals(self, approvals: Iterable[Approval]) -> None:
        """Snapshot of the approval queue (staff)."""
        for a in approvals:
            self.add_approval(a, quiet=True)
        self._emit(Change("approval", None, "loaded"))

    def add_approval(self, approval: Approval, quiet: bool = False) -> None:
        a = clean_value(approval)
        self.approvals[a.id] = a
        view = self.view(a.conversation_id)
        if view is not None:
            view.set_approval(a)
            view.drop_pending(a.client_msg_id)       # the outbox line becomes the approval line
            self._emit(Change("messages", view.id, "approval"))
        if self.on_approval is not None:
            self.on_approval(a)
        if not quiet:
            self._emit(Change("approval", a.id, a.state))

    def set_board(self, board: Board) -> None:
        self.board = clean_value(board)
        self._emit(Change("board", None))

    def _apply_presence(self, view: ConversationView, data: dict[str, Any]) -> None:
        """conversation.watchers / conversation.joined carry the full lists."""
        changed = False
        for key in ("watchers", "joined"):
            if isinstance(data.get(key), list):
                setattr(view, key, [OperatorRef.model_validate(w) for w in data[key]])
                changed = True
        if changed:
            self._emit(Change("watchers", view.id))

    def _adopt(self, conv: Conversation, visitor: Visitor | None, data: dict[str, Any]) -> None:
        """A conversation became mine (accepted, routed or transferred): hold it and reload it."""
        seq = self._seq.pop(conv.id, 0)
        view = ConversationView(conversation=conv, visitor=visitor or placeholder_visitor(conv),
                                last_seq=max(seq, 0))
        view.pending = [p for p in self._pending.values() if p.conversation_id == conv.id]
        self.conversations[conv.id] = view
        self._emit(Change("conversation", conv.id, "added"))
        if data.get("note"):
            from_id = data.get("from_operator_id")
            sender = self.operators.get(from_id) if type(from_id) is int else None
            who = sender.name if sender else "a colleague"
            self.notice(f"Transferred to you by {who}: {data['note']}", conv.id)
        self._request_reload(view)

    def _moved_notice(self, conv: Conversation, data: dict[str, Any]) -> None:
        """The old holder learns who took the chat away (take over / reassign)."""
        by = data.get("by") if isinstance(data.get("by"), dict) else {}
        who = by.get("name") or "A supervisor"
        if data.get("reason") == "takeover":
            self.notice(f"{who} took over this chat.", conv.id)
        elif data.get("reason") == "reassigned":
            self.notice(f"{who} moved this chat to {conv.operator_name or 'another operator'}.", conv.id)
