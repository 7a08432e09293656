"""DeskSession actions for supervisors and trainers (issue 4). A mixin of DeskSession: it uses the
session's api, store, outbox and reload plumbing. Every refusal raises ApiError with the server's
sentence (an operator gets 403 for all of these except reading their own transcripts).

Monitoring: `monitor(id)` watches the chat on the server (the operator sees who is watching) and
loads it into `store.monitored`; staff streams already carry every event, so the store keeps the
view current until `unmonitor(id)`. `follow_board()` keeps `store.board` fresh: it refetches
GET /board (at most every BOARD_COALESCE seconds) after any event that changes a board figure.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from chatdesk.protocol import events as ev
from chatdesk.protocol.models import Approval, Conversation, Operator

if TYPE_CHECKING:
    from chatdesk.protocol.staff import Board, ReportSummary, Review, StaffPresence, TranscriptDetail, TranscriptSummary

from .http import ApiError, ApiUnavailable
from .outgoing import OutgoingMessage
from .sanitize import clean_value
from .view import ConversationView

log = logging.getLogger(__name__)
BOARD_COALESCE = 0.3
# Which events change which board figure (docs/protocol.md, "Board"): status and caps; chats held,
# queue, missed; waits and first-response times; pending approvals.
BOARD_EVENTS = frozenset({
    ev.OPERATOR_STATUS, ev.OPERATOR_UPDATED,
    ev.CONVERSATION_QUEUED, ev.CONVERSATION_ASSIGNED, ev.CONVERSATION_TRANSFERRED,
    ev.CONVERSATION_REQUEUED, ev.CONVERSATION_CLOSED, ev.CONVERSATION_MISSED,
    ev.MESSAGE_CREATED, ev.APPROVAL_REQUESTED, ev.APPROVAL_RESOLVED,
})


class StaffSessionMixin:
    def _init_staff(self) -> None:
        self._board_following = False
        self._board_task: asyncio.Task | None = None
        self._store.on_applied = self._event_applied
        self._store.on_approval = self._approval_seen

    @property
    def is_staff(self) -> bool:
        me = self._store.me
        return me is not None and me.role in ("supervisor", "trainer", "admin")

    # --- monitor -------------------------------------------------------------------------------
    async def monitor(self, conversation_id: int) -> ConversationView:
        """Open someone else's chat read-only and follow it live (staff only)."""
        presence = None
        try:
            presence = await self._api.staff.watch(conversation_id)
        except ApiError as e:
            if e.status != 409:          # a closed chat can still be read, just not watched
                raise
        detail, visitor = await self._load_one(conversation_id)
        view = self._store.load_monitored(detail, visitor)
        if presence is not None and presence.watchers and not view.watchers:
            view.watchers = list(presence.watchers)
        return view

    async def unmonitor(self, conversation_id: int) -> None:
        self._store.drop_monitored(conversation_id)
        with contextlib.suppress(ApiError):          # already closed or gone: nothing to undo
            await self._api.staff.unwatch(conversation_id)

    async def _stop_staff(self) -> None:
        """On stop: no board refresh left running, and the operators should not see a watcher
        who has left."""
        self._board_following = False
        if self._board_task is not None:
            self._board_task.cancel()
            await asyncio.gather(self._board_task, return_exceptions=True)
        for cid in list(self._store.monitored):
            with contextlib.suppress(ApiError, ApiUnavailable):
                await asyncio.wait_for(self._api.staff.unwatch(cid), 2.0)

    # --- stepping in ---------------------------------------------------------------------------
    def whisper(self, conversation_id: int, body: str) -> OutgoingMessage:
        """A message only the operator holding the chat sees (through the outbox, like send)."""
        return self.send(conversation_id, body, "whisper")

    async def join(self, conversation_id: int) -> StaffPresence:
        return await self._api.staff.join(conversation_id)

    async def take_over(self, conversation_id: int) -> ConversationView | None:
        """The chat becomes mine: returns it loaded as one of my conversations."""
        await self._api.staff.take_over(conversation_id)
        view = await self._reload(conversation_id)
        return view or self._store.conversations.get(conversation_id)

    async def reassign(self, conversation_id: int, operator_id: int, note: str = "") -> Conversation:
        return await self._api.staff.reassign(conversation_id, operator_id, note)

    async def set_operator_limits(self, operator_id: int, *, max_chats: int | None = None,
                                  novice: bool | None = None, approval_required: bool | None = None) -> Operator:
        """Effective at once; the operator's desk gets operator.updated. Lowering max_chats below
        their load keeps their chats and refuses new ones until they are below it."""
        op = await self._api.staff.set_operator_limits(operator_id, max_chats=max_chats, novice=novice,
                                                 approval_required=approval_required)
        self._store._apply_operator(clean_value(op))
        return op

    # --- approvals -----------------------------------------------------------------------------
    async def load_approvals(self, state: str = "pending") -> list[Approval]:
        items = await self._api.staff.approvals(state)
        self._store.set_approvals(items)
        return items

    async def approve(self, approval_id: int, body: str | None = None, note: str = "") -> Approval:
        """Send a held message to the visitor, with `body` as the trainer's edit if given."""
        a = await self._api.staff.approve(approval_id, body, note)
        self._store.add_approval(a)
        return a

    async def reject(self, approval_id: int, note: str = "") -> Approval:
        a = await self._api.staff.reject(approval_id, note)
        self._store.add_approval(a)
        return a

    def pending_approvals(self) -> list[Approval]:
        return sorted((a for a in self._store.approvals.values() if a.state == "pending"), key=lambda a: a.id)

    def _approval_seen(self, approval: Approval) -> None:
        me = self._store.me
        if self._outbox is not None and me is not None and approval.author_id == me.id:
            self._outbox.acknowledge(approval.client_msg_id)    # held, not lost: stop resending

    # --- board ---------------------------------------------------------------------------------
    async def load_board(self) -> Board:
        board = await self._api.staff.board()
        self._store.set_board(board)
        return self._store.board

    async def follow_board(self, on: bool = True) -> Board | None:
        """Keep store.board current from the event stream (Change("board") on each refresh)."""
        self._board_following = on
        return await self.load_board() if on else None

    def _event_applied(self, kind: str, _event: dict) -> None:
        if kind in BOARD_EVENTS:
            self._board_stale()

    def _board_stale(self) -> None:
        """Refetch the board soon (once for a burst of events), if it is being followed."""
        if not self._board_following:
            return
        if self._board_task is None or self._board_task.done():
            self._board_task = asyncio.get_running_loop().create_task(self._refresh_board())

    async def _refresh_board(self) -> None:
        await asyncio.sleep(BOARD_COALESCE)           # many events, one refetch
        try:
            await self.load_board()
        except (ApiError, ApiUnavailable) as e:
            log.info("board refresh failed: %s", e)

    # --- transcripts and reports (answers cleaned: they carry visitor text) --------------------
    async def transcripts(self, q: str | None = None, **filters: Any) -> list[TranscriptSummary]:
        """Filters: operator_id, tag, since, until, rating, mark ("best"/"worst")."""
        return [clean_value(t) for t in await self._api.staff.transcripts(q, **filters)]

    async def transcript(self, conversation_id: int) -> TranscriptDetail:
        return clean_value(await self._api.staff.transcript(conversation_id))

    async def review_transcript(self, conversation_id: int, mark: str | None = None, note: str = "") -> Review:
        return clean_value(await self._api.staff.review_transcript(conversation_id, mark, note))

    async def export_transcript(self, conversation_id: int, format: str = "md") -> str:
        """Raw export text for a file: not cleaned, do not print it to the terminal as is."""
        return await self._api.staff.export_transcript(conversation_id, format)

    async def report(self, since: float | None = None, until: float | None = None) -> ReportSummary:
        return clean_value(await self._api.staff.report_summary(since, until))
