"""Oversight: the supervisor and trainer side of the store, as `store.oversight`: monitored views
of other operators' chats, held novice messages (approvals) and the board. The store owns it and
hands it what it uses: the store's change feed, its REST merge, its view lookup and a way to stop
tracking a conversation's seq outside the views."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from chatdesk.protocol.models import Approval, Conversation, ConversationDetail, Visitor, VisitorDetail

if TYPE_CHECKING:
    from chatdesk.protocol.staff import Board

from .sanitize import clean_value
from .view import Change, ConversationView

Merge = Callable[[ConversationDetail, "VisitorDetail | None", "ConversationView | None"], ConversationView]


class Oversight:
    def __init__(self, emit: Callable[[Change], None], merge: Merge,
                 view: Callable[[int], ConversationView | None], untrack: Callable[[int], None]) -> None:
        self._emit, self._merge, self._view, self._untrack = emit, merge, view, untrack
        self.monitored: dict[int, ConversationView] = {}   # staff: others' chats opened read-only
        self.approvals: dict[int, Approval] = {}           # staff: the queue; novices: their own
        self.board: Board | None = None                    # staff: after session.staff.load_board()
        self.on_approval: Callable[[Approval], None] | None = None   # outbox acknowledgement (held)

    def load_monitored(self, detail: ConversationDetail, visitor: VisitorDetail | None) -> ConversationView:
        """A staff member opened someone else's chat read-only; events keep it current."""
        cid = detail.conversation.id
        existed = cid in self.monitored
        view = self._merge(detail, visitor, self.monitored.get(cid))
        view.monitored = True
        self.monitored[cid] = view
        self._untrack(cid)
        self._emit(Change("monitor", cid, "updated" if existed else "added"))
        self._emit(Change("messages", cid, "reload"))
        return view

    def drop_monitored(self, conversation_id: int) -> None:
        if self.monitored.pop(conversation_id, None) is not None:
            self._emit(Change("monitor", conversation_id, "removed"))

    def conversation_changed(self, conv: Conversation, visitor: Visitor | None, data: dict[str, Any],
                             mine: bool) -> bool:
        """A conversation event: True if it was for a chat I monitor (and is applied). `mine`: it is
        mine and open now (taken over), so the monitored view goes and the store holds it."""
        view = self.monitored.get(conv.id)
        if view is None:
            return False
        if mine:
            self.drop_monitored(conv.id)
            return False
        if view.update_conversation(conv, visitor, data):
            self._emit(Change("watchers", view.id))
        self._emit(Change("monitor", conv.id, "closed" if conv.state in ("closed", "missed") else "updated"))
        return True

    def set_approvals(self, approvals: Iterable[Approval]) -> None:
        """Snapshot of the approval queue (staff)."""
        for a in approvals:
            self.add_approval(a, quiet=True)
        self._emit(Change("approval", None, "loaded"))

    def add_approval(self, approval: Approval, quiet: bool = False) -> None:
        a = clean_value(approval)
        self.approvals[a.id] = a
        view = self._view(a.conversation_id)
        if view is not None:
            view.set_approval(a)
            view.drop_pending(a.client_msg_id)       # the outbox line becomes the approval line
            self._emit(Change("messages", view.id, "approval"))
        if self.on_approval is not None:
            self.on_approval(a)
        if not quiet:
            self._emit(Change("approval", a.id, a.state))

    def pending_approvals(self) -> list[Approval]:
        return sorted((a for a in self.approvals.values() if a.state == "pending"), key=lambda a: a.id)

    def set_board(self, board: Board) -> Board:
        """The board as the store keeps it (cleaned)."""
        self.board = clean = clean_value(board)
        self._emit(Change("board", None))
        return clean
