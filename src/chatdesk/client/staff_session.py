"""StaffSession: the desk's actions for supervisors and trainers, as `session.staff`. It uses the
staff REST calls, the store, the session's loader and its `send` (a whisper goes through the
outbox). Every refusal raises ApiError with the server's sentence (an operator gets 403 for all of
these except reading their own transcripts).

Monitoring: `monitor(id)` watches the chat on the server (the operator sees who is watching) and
loads it into `store.oversight.monitored`; staff streams already carry every event, so the store
keeps the view current until `unmonitor(id)`. `follow_board()` keeps `store.oversight.board` fresh:
it refetches GET /board (at most every BOARD_COALESCE seconds) after any event that changes a
board figure.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chatdesk.protocol import events as ev
from chatdesk.protocol.models import Approval, Conversation, Operator

if TYPE_CHECKING:
    from chatdesk.protocol.staff import Board, ReportSummary, Review, StaffPresence, TranscriptDetail, TranscriptSummary

from .http import ApiError, ApiUnavailable
from .loader import DeskLoader
from .outgoing import OutgoingMessage
from .sanitize import clean_value
from .staff_api import StaffApi
from .store import DeskStore
from .view import ConversationView

Send = Callable[[int, str, str], OutgoingMessage]     # (conversation_id, body, kind): into the outbox

log = logging.getLogger(__name__)
BOARD_COALESCE = 0.3
# Which events change which board figure (docs/protocol.md, "Board"): status and caps; chats held,
# queue, missed; waits and first-response times; pending approvals; open and overdue requests.
BOARD_EVENTS = frozenset({
    ev.OPERATOR_STATUS, ev.OPERATOR_UPDATED,
    ev.CONVERSATION_QUEUED, ev.CONVERSATION_ASSIGNED, ev.CONVERSATION_TRANSFERRED,
    ev.CONVERSATION_REQUEUED, ev.CONVERSATION_CLOSED, ev.CONVERSATION_MISSED,
    ev.MESSAGE_CREATED, ev.APPROVAL_REQUESTED, ev.APPROVAL_RESOLVED,
    ev.REQUEST_CREATED, ev.REQUEST_UPDATED,
})


class StaffSession:
    def __init__(self, api: StaffApi, store: DeskStore, loader: DeskLoader, send: Send) -> None:
        self._api, self._store, self._loader, self._send = api, store, loader, send
        self._board_following = False
        self._board_task: asyncio.Task[None] | None = None
        store.on_applied = self._event_applied

    # --- monitor -------------------------------------------------------------------------------
    async def monitor(self, conversation_id: int) -> ConversationView:
        """Open someone else's chat read-only and follow it live (staff only)."""
        presence = None
        try:
            presence = await self._api.watch(conversation_id)
        except ApiError as e:
            if e.status != 409:          # a closed chat can still be read, just not watched
                raise
        detail, visitor = await self._loader.fetch(conversation_id)
        view = self._store.oversight.load_monitored(detail, visitor)
        if presence is not None and presence.watchers and not view.watchers:
            view.watchers = list(presence.watchers)
        return view

    async def unmonitor(self, conversation_id: int) -> None:
        self._store.oversight.drop_monitored(conversation_id)
        with contextlib.suppress(ApiError):          # already closed or gone: nothing to undo
            await self._api.unwatch(conversation_id)

    async def stop(self) -> None:
        """On stop: no board refresh left running, and the operators should not see a watcher
        who has left."""
        self._board_following = False
        if self._board_task is not None:
            self._board_task.cancel()
            await asyncio.gather(self._board_task, return_exceptions=True)
        for cid in list(self._store.oversight.monitored):
            with contextlib.suppress(ApiError, ApiUnavailable):
                await asyncio.wait_for(self._api.unwatch(cid), 2.0)

    # --- stepping in ---------------------------------------------------------------------------
    def whisper(self, conversation_id: int, body: str) -> OutgoingMessage:
        """A message only the operator holding the chat sees (through the outbox, like send)."""
        return self._send(conversation_id, body, "whisper")

    async def join(self, conversation_id: int) -> StaffPresence:
        return await self._api.join(conversation_id)

    async def take_over(self, conversation_id: int) -> ConversationView | None:
        """The chat becomes mine: returns it loaded as one of my conversations."""
        await self._api.take_over(conversation_id)
        view = await self._loader.reload(conversation_id)
        return view or self._store.conversations.get(conversation_id)

    async def reassign(self, conversation_id: int, operator_id: int, note: str = "") -> Conversation:
        return await self._api.reassign(conversation_id, operator_id, note)

    async def set_operator_limits(self, operator_id: int, *, max_chats: int | None = None,
                                  novice: bool | None = None, approval_required: bool | None = None) -> Operator:
        """Effective at once; the operator's desk gets operator.updated. Lowering max_chats below
        their load keeps their chats and refuses new ones until they are below it."""
        op = await self._api.set_operator_limits(operator_id, max_chats=max_chats, novice=novice,
                                                 approval_required=approval_required)
        self._store.apply_operator(op)
        return op

    # --- approvals -----------------------------------------------------------------------------
    async def load_approvals(self, state: str = "pending") -> list[Approval]:
        items = await self._api.approvals(state)
        self._store.oversight.set_approvals(items)
        return items

    async def approve(self, approval_id: int, body: str | None = None, note: str = "") -> Approval:
        """Send a held message to the visitor, with `body` as the trainer's edit if given."""
        a = await self._api.approve(approval_id, body, note)
        self._store.oversight.add_approval(a)
        return a

    async def reject(self, approval_id: int, note: str = "") -> Approval:
        a = await self._api.reject(approval_id, note)
        self._store.oversight.add_approval(a)
        return a

    # --- board ---------------------------------------------------------------------------------
    async def load_board(self) -> Board:
        board = await self._api.board()
        return self._store.oversight.set_board(board)

    async def follow_board(self, on: bool = True) -> Board | None:
        """Keep store.board current from the event stream (Change("board") on each refresh)."""
        self._board_following = on
        return await self.load_board() if on else None

    def _event_applied(self, kind: str, _event: dict[str, Any]) -> None:
        if kind in BOARD_EVENTS:
            self.board_stale()

    def board_stale(self) -> None:
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
        return [clean_value(t) for t in await self._api.transcripts(q, **filters)]

    async def transcript(self, conversation_id: int) -> TranscriptDetail:
        return clean_value(await self._api.transcript(conversation_id))

    async def review_transcript(self, conversation_id: int, mark: str | None = None, note: str = "") -> Review:
        return clean_value(await self._api.review_transcript(conversation_id, mark, note))

    async def export_transcript(self, conversation_id: int, format: str = "md") -> str:
        """Raw export text for a file: not cleaned, do not print it to the terminal as is."""
        return await self._api.export_transcript(conversation_id, format)

    async def report(self, since: float | None = None, until: float | None = None) -> ReportSummary:
        return clean_value(await self._api.report_summary(since, until))
