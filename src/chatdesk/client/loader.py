"""DeskLoader: the desk's state over REST into the store. The snapshot (one GET /desk), everything
again after a long absence, and one conversation at a time: after accept, a transfer, or a seq
gap the store saw (retried with backoff until it is filled).
"""
from __future__ import annotations

import asyncio

from chatdesk.protocol.models import STAFF_ROLES as STAFF
from chatdesk.protocol.models import (
    CannedReply,
    ConversationDetail,
    DeskSnapshot,
    Operator,
    QueuePage,
    VisitorDetail,
)

from .api import ApiClient
from .http import ApiError, ApiUnavailable
from .store import DeskStore
from .view import ConversationView

Loaded = tuple[ConversationDetail, VisitorDetail | None]


class DeskLoader:
    def __init__(self, api: ApiClient, store: DeskStore, history_page: int) -> None:
        self._api, self._store, self.history_page = api, store, history_page
        self._reloads: dict[int, asyncio.Task[None]] = {}
        self._queue_refresh: asyncio.Task[None] | None = None

    async def stop(self) -> None:
        pending = [*self._reloads.values(), *([self._queue_refresh] if self._queue_refresh else [])]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        self._reloads.clear()

    # --- the whole desk ------------------------------------------------------------------------
    async def reload_all(self) -> None:
        store = self._store
        if store.conversations:
            await self._reload_parts()
        else:
            await self._load_snapshot()
        if store.me is not None and store.me.role in STAFF:
            store.oversight.set_approvals(await self._api.staff.approvals())
        for cid in list(store.oversight.monitored):      # reload what I monitor as well
            self.schedule_reload(cid)

    async def snapshot(self) -> DeskSnapshot:
        return await self._api.desk(self.history_page)

    async def _load_snapshot(self) -> None:
        """A desk with nothing open yet (the first start): one GET /desk, one transaction on the
        server, instead of five requests and two per open chat."""
        self.apply_snapshot(await self.snapshot())

    def apply_snapshot(self, snap: DeskSnapshot) -> None:
        self._set_parts(snap.me, snap.operators, snap.canned, QueuePage(queue=snap.queue, total=snap.queue_total))
        self._store.set_conversations([(chat.detail, chat.visitor) for chat in snap.open])

    async def _reload_parts(self) -> None:
        """Back after a long absence: each open view reloads what it already covers."""
        api, store = self._api, self._store
        me, queue, convs, operators, canned = await asyncio.gather(
            api.me(), api.queue_page(), api.conversations(), api.operators(), api.canned())
        mine = [c for c in convs if c.operator_id == me.id and c.state == "active"]
        # chats I held that ended or moved while the desk was away: their current state, so the
        # desk shows them closed / gone instead of dropping them without a word
        ended = [cid for cid in list(store.conversations)
                 if store.holds_open(cid) and cid not in {c.id for c in mine}]
        self._set_parts(me, operators, canned, queue)   # who waits shows while the chats load
        details, ended_details = await asyncio.gather(
            asyncio.gather(*(self.fetch(c.id, c.visitor_id) for c in mine)),
            asyncio.gather(*(self._fetch_ended(cid) for cid in ended)))
        store.set_conversations([d for d in (*details, *ended_details) if d is not None],
                                moved_away=[cid for cid, d in zip(ended, ended_details, strict=True) if d is None])

    def _set_parts(self, me: Operator, operators: list[Operator], canned: list[CannedReply],
                   queue: QueuePage) -> None:
        store = self._store
        store.set_me(me)
        store.set_operators(operators)
        store.set_canned(canned)
        store.set_queue(queue.queue, queue.total)

    # --- the queue's page ----------------------------------------------------------------------
    def schedule_queue_refresh(self) -> None:
        """The page of the queue the desk shows went stale (chats wait beyond it): fetch it again,
        once at a time."""
        if self._queue_refresh is None or self._queue_refresh.done():
            self._queue_refresh = asyncio.get_running_loop().create_task(self._refresh_queue(),
                                                                          name="queue-page")

    async def _refresh_queue(self) -> None:
        state = self._store.queue_state
        state.fetching()
        try:
            page = await self._api.queue_page()
        except (ApiError, ApiUnavailable):
            state.fetching(False)   # the next change, or the next reconnect, asks again
            return
        self._store.set_queue(page.queue, page.total)

    # --- one conversation ----------------------------------------------------------------------
    async def fetch(self, conversation_id: int, visitor_id: str = "") -> Loaded:
        """A conversation as the desk shows it: its last page of messages when new to the desk,
        everything the view already covers when reloaded (see ConversationView.history_request)."""
        view = self._store.view(conversation_id)
        window = view.history_request() if view is not None and view.messages else {"last": self.history_page}
        detail = await self._api.conversation(conversation_id, events=False, **window)
        try:
            visitor: VisitorDetail | None = await self._api.visitor(visitor_id or detail.conversation.visitor_id)
        except ApiError:
            visitor = None          # the transcript matters more than the sidebar
        return detail, visitor

    async def _fetch_ended(self, conversation_id: int) -> Loaded | None:
        try:
            return await self.fetch(conversation_id)
        except ApiError:
            return None             # no longer ours to read (transferred away)

    def schedule_reload(self, conversation_id: int) -> None:
        task = self._reloads.get(conversation_id)
        if task is not None and not task.done():
            return
        self._reloads[conversation_id] = asyncio.get_running_loop().create_task(
            self._reload_until_done(conversation_id), name=f"reload-{conversation_id}")

    def reload_stale(self) -> None:
        """Reload every view that saw a seq gap (the stream is live again)."""
        for view in self._store.all_views():
            if view.needs_reload:
                self.schedule_reload(view.id)

    async def _reload_until_done(self, conversation_id: int) -> None:
        """A seq gap must be filled even if REST hiccups: retry with backoff while it is needed."""
        delay = 0.2
        while True:
            if await self.reload(conversation_id) is not None:
                return
            view = self._store.view(conversation_id)
            if view is None or not view.needs_reload:
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def reload(self, conversation_id: int) -> ConversationView | None:
        """The conversation again over REST, into the store (None if it failed: a notice says why
        when retrying will not help)."""
        store = self._store
        view = store.view(conversation_id)
        try:
            detail, visitor = await self.fetch(conversation_id)
        except ApiUnavailable:
            return None             # retried with backoff, and when the stream is live again
        except ApiError as e:
            if view is not None:
                view.needs_reload = False
            store.notice(f"Could not load conversation {conversation_id}: {e}", conversation_id)
            return None
        conv = detail.conversation
        if conversation_id in store.oversight.monitored and not (
                conv.state == "active" and conv.operator_id == getattr(store.me, "id", None)):
            return store.oversight.load_monitored(detail, visitor)
        return store.load_conversation(detail, visitor)
