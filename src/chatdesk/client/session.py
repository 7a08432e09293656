"""DeskSession: the one object the TUI holds. It owns the REST client, the stream, the outbox, the
store, the loader and `staff` (the supervisor and trainer actions), and wires them: stream events
-> store; store seq gaps -> REST reloads; outbox -> store pending lines; stream echoes and held
messages -> outbox acknowledgements; reconnects -> outbox retries now.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from chatdesk.protocol.limits import API_PREFIX
from chatdesk.protocol.models import STAFF_ROLES as STAFF
from chatdesk.protocol.models import Approval, CannedReply, DeskSnapshot, Message, MessagePage, Operator, VisitorDetail

from .api import ApiClient
from .browsing_session import BrowsingSession
from .canned import context_for, fill
from .http import ApiError, ApiUnavailable
from .loader import DeskLoader
from .outbox import Outbox
from .outgoing import OutgoingMessage
from .parts import split_parts
from .prefetch import HISTORY_PAGE, DeskPrefetch
from .staff_session import StaffSession
from .store import DeskStore
from .stream import EventStream
from .view import ConversationView
from .work_session import WorkSession

log = logging.getLogger(__name__)
START_TIMEOUT = 15.0


def default_state_dir() -> Path:
    import platformdirs
    return Path(platformdirs.user_state_dir("chatdesk", appauthor=False))


def ws_url_for(base_url: str) -> str:
    base = base_url.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base[len("https://"):]
    elif base.startswith("http://"):
        base = "ws://" + base[len("http://"):]
    return base + API_PREFIX + "/stream"


class DeskSession:
    def __init__(self, base_url: str, token: str, state_dir: Path | str | None = None, *,
                 http_timeout: float = 10.0, ping_interval: float = 10.0, history_page: int = HISTORY_PAGE,
                 prefetch: DeskPrefetch | None = None):
        """`http_timeout` and `ping_interval` bound how long a dead connection goes unnoticed
        (a chaos test through a lossy proxy wants them short); `history_page`: messages a chat
        opens with, and how many more each scroll to the top fetches; `prefetch`: the first
        snapshot, already on its way (the `chatdesk` command starts it before its imports)."""
        self.base_url = base_url.rstrip("/")
        self.history_page = history_page
        self.state_dir = Path(state_dir) if state_dir is not None else default_state_dir()
        self._api = ApiClient(self.base_url, token, timeout=http_timeout)
        self._store = DeskStore()
        self._loader = DeskLoader(self._api, self._store, history_page)
        self._outbox: Outbox | None = None
        self._stream = EventStream(
            ws_url_for(self.base_url), token, self._store.apply, self._on_state,
            last_event_id=lambda: self._store.last_event_id if self._synced else None,
            on_reset=self._on_reset, on_resumed=self._on_resumed, on_unauthorized=self._on_unauthorized,
            ping_interval=ping_interval)
        self._synced = False
        # a prefetch for another page size would open chats with the wrong history window
        self._prefetch = prefetch if prefetch is not None and prefetch.last == history_page else None
        self._taken: DeskSnapshot | None = None        # the prefetched snapshot, taken before start()
        self._first_sync: asyncio.Future[None] | None = None
        self._older: dict[int, asyncio.Future[MessagePage]] = {}
        self._store.on_reload_needed = self._loader.schedule_reload
        self._store.queue_state.on_stale = self._loader.schedule_queue_refresh
        self._store.on_echo = self._on_echo
        self._store.oversight.on_approval = self._on_approval
        self.staff = StaffSession(self._api.staff, self._store, self._loader, self.send)
        self.work = WorkSession(self._api, self._store)
        self.browsing = BrowsingSession(self._api.browsing, self._store)

    # --- what the TUI holds --------------------------------------------------------------------
    @property
    def store(self) -> DeskStore:
        return self._store

    @property
    def api(self) -> ApiClient:
        return self._api

    @property
    def stream(self) -> EventStream:
        return self._stream

    @property
    def is_staff(self) -> bool:
        me = self._store.me
        return me is not None and me.role in STAFF

    @property
    def outbox(self) -> Outbox:
        if self._outbox is None:
            raise RuntimeError("DeskSession.start() has not run yet")
        return self._outbox

    # --- life cycle ----------------------------------------------------------------------------
    async def start(self, timeout: float = START_TIMEOUT,
                    before_stream: Callable[[], Awaitable[None]] | None = None) -> None:
        """The desk's snapshot first (one GET /desk, or the answer `prefetch` already has), then
        the stream, resuming after the snapshot's newest event so nothing falls between them;
        returns once the stream has caught up. `before_stream`: awaited in between (the desk
        draws the snapshot before the stream's imports and handshake take the loop). Raises
        ApiError (e.g. the token was revoked) or ApiUnavailable with a sentence."""
        snap = self._taken or await self._first_snapshot()
        if self._taken is None:
            self._begin_with(snap)
        if before_stream is not None:
            await before_stream()
        self._outbox = Outbox(self._outbox_path(snap.me), self._post, self._store.outgoing_changed)
        self._first_sync = asyncio.get_running_loop().create_future()
        self._stream.start()
        self._outbox.start()
        if snap.me.role in STAFF:
            self._store.oversight.set_approvals(await self._api.staff.approvals())
        try:
            await asyncio.wait_for(asyncio.shield(self._first_sync), timeout)
        except TimeoutError:
            raise ApiUnavailable(f"The chat server at {self.base_url} did not send the desk's state "
                                 f"within {timeout:.0f} seconds; the desk keeps trying.") from None

    def take_prefetched(self) -> bool:
        """Fill the store now from the prefetched snapshot if it is here already, so that the
        desk's very first frame shows it (start() then goes on from there)."""
        snap = self._parse_snapshot(self._prefetch.body_if_here() if self._prefetch is not None else None)
        if snap is None:
            return False
        self._prefetch, self._taken = None, snap
        self._begin_with(snap)
        return True

    def _begin_with(self, snap: DeskSnapshot) -> None:
        self._loader.apply_snapshot(snap)
        self._store.last_event_id = snap.event_id
        self._synced = True

    async def _first_snapshot(self) -> DeskSnapshot:
        prefetch, self._prefetch = self._prefetch, None
        if prefetch is not None:
            snap = self._parse_snapshot(await prefetch.body())
            if snap is not None:
                return snap
        return await self._loader.snapshot()   # where a bad answer becomes a sentence

    @staticmethod
    def _parse_snapshot(body: bytes | None) -> DeskSnapshot | None:
        if body is None:
            return None
        try:
            return DeskSnapshot.model_validate_json(body)
        except ValueError:
            return None

    async def stop(self) -> None:
        await self.staff.stop()
        await self.browsing.stop()
        await self._loader.stop()
        pending = list(self._older.values())
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        self._older.clear()
        await self._stream.stop()
        if self._outbox is not None:
            await self._outbox.aclose()
        await self._api.aclose()

    def _outbox_path(self, me: Operator) -> Path:
        key = hashlib.sha256(f"{self.base_url}|{me.id}".encode()).hexdigest()[:16]
        return self.state_dir / f"outbox-{key}.json"

    # --- stream callbacks ----------------------------------------------------------------------
    def _on_state(self, state: str) -> None:
        self._store.set_connection(state)
        if state == "live":
            if self._outbox is not None:
                self._outbox.wake()
            self._loader.reload_stale()
            self.browsing.resumed()

    async def _on_reset(self, event_id: int) -> None:
        """First connection, or we were away too long: everything again over REST."""
        self._store.hold()
        try:
            await self.reload_all()
        except (ApiError, ApiUnavailable) as e:
            self._store.release(discard=True)
            self._store.notice(f"Could not load the desk's state: {e}")
            first = self._first_sync
            if isinstance(e, ApiError) and e.status in (401, 403) and first is not None and not first.done():
                first.set_exception(e)       # retrying will not help: let start() say why
            raise
        # even lower than before: a server restored from an older backup starts its ids lower
        self._store.last_event_id = event_id
        was_synced, self._synced = self._synced, True
        if was_synced:
            self._store.notice("The connection was away for long; the desk reloaded everything.")
        self._store.release()
        if self._first_sync is not None and not self._first_sync.done():
            self._first_sync.set_result(None)

    def _on_resumed(self, event_id: int) -> None:
        # every event up to event_id that we may see has been replayed to us
        self._store.last_event_id = max(self._store.last_event_id, event_id)
        if self._first_sync is not None and not self._first_sync.done():
            self._first_sync.set_result(None)

    def _on_unauthorized(self, sentence: str) -> None:
        self._store.notice(f"The server refused this desk's token: {sentence} Log in again.")
        self._store.set_connection("offline")
        if self._first_sync is not None and not self._first_sync.done():
            self._first_sync.set_exception(ApiError(401, "unauthorized", sentence))

    def _on_echo(self, msg: Message) -> None:
        me = self._store.me
        if self._outbox is not None and msg.author_type == "operator" and me and msg.author_id == me.id:
            self._outbox.acknowledge(msg.client_msg_id, msg)

    def _on_approval(self, approval: Approval) -> None:
        me = self._store.me
        if self._outbox is not None and me is not None and approval.author_id == me.id:
            self._outbox.acknowledge(approval.client_msg_id)    # held, not lost: stop resending

    # --- loading -------------------------------------------------------------------------------
    async def reload_all(self) -> None:
        await self._loader.reload_all()
        self.staff.board_stale()                     # events were missed: the board too
        if self._store.work.loaded:                  # ... and the work list, once it was shown
            await self.work.load()

    # --- actions (REST; failures raise ApiError / ApiUnavailable with a sentence) --------------
    async def accept(self, conversation_id: int) -> ConversationView | None:
        """Take a chat from the queue; returns its view with the transcript loaded (None only if
        the server went away right after accepting: the stream's event brings it in later).
        Refusals (cap reached, already taken) raise ApiError with the server's sentence."""
        await self._api.accept(conversation_id)
        view = await self._loader.reload(conversation_id)
        return view or self._store.conversations.get(conversation_id)

    async def load_older(self, conversation_id: int) -> bool:
        """The page of messages before the oldest one the view holds; False when there is none."""
        view = self._store.view(conversation_id)
        if view is None or not view.has_older or not view.messages:
            return False
        task = self._older.get(conversation_id)
        if task is None or task.done():        # one fetch at a time per chat, however often asked
            task = self._older[conversation_id] = asyncio.ensure_future(self._api.older_messages(
                conversation_id, view.messages[0].seq, self.history_page))
        page = await asyncio.shield(task)
        self._store.add_older(conversation_id, page)
        return bool(page.messages)

    def send(self, conversation_id: int, body: str, kind: str = "text") -> OutgoingMessage:
        """Returns at once with the pending message; the outbox delivers it."""
        if not body.strip():
            raise ValueError("There is nothing to send.")
        return self.outbox.submit(conversation_id, body, kind)

    def send_parts(self, conversation_id: int, body: str, max_len: int = 160) -> list[OutgoingMessage]:
        return [self.send(conversation_id, part) for part in split_parts(body, max_len)]

    def retry(self, client_msg_id: str) -> None:
        self.outbox.retry(client_msg_id)

    def discard(self, client_msg_id: str) -> None:
        self.outbox.discard(client_msg_id)

    async def _post(self, item: OutgoingMessage) -> Message | None:
        msg = await self._api.send_message(item.conversation_id, item.client_msg_id, item.body, item.kind)
        if isinstance(msg, Approval):     # held for a trainer: the approval replaces the pending line
            self._store.oversight.add_approval(msg)
            return None
        self._store.add_sent_message(msg)
        return msg

    async def transfer(self, conversation_id: int, operator_id: int | None = None,
                       department: str | None = None, note: str = "") -> Any:
        return await self._api.transfer(conversation_id, operator_id, department, note)

    async def close(self, conversation_id: int, summary: str, tags: list[str] | None = None,
                    follow_up: str | None = None) -> Any:
        return await self._api.close(conversation_id, summary, tags, follow_up)

    async def set_status(self, status: str) -> Operator | None:
        op = await self._api.set_status(status)
        if op is not None:
            self._store.set_me(op)
        return op

    def _visitor_id(self, conversation_id: int) -> str:
        view = self._store.conversations.get(conversation_id)
        if view is None:
            raise KeyError(f"conversation {conversation_id} is not open on this desk")
        return view.conversation.visitor_id

    async def add_visitor_note(self, conversation_id: int, body: str) -> Any:
        """A note kept on the visitor of this conversation (the visitor.note event shows it)."""
        return await self._api.add_visitor_note(self._visitor_id(conversation_id), body)

    async def update_visitor(self, conversation_id: int, **fields: str | None) -> VisitorDetail:
        return await self._api.update_visitor(self._visitor_id(conversation_id), **fields)

    async def callback(self, conversation_id: int, channel: str, value: str, note: str = "") -> Any:
        return await self._api.callback(conversation_id, channel, value, note)

    async def typing(self, conversation_id: int, is_typing: bool) -> None:
        await self._stream.send_typing(conversation_id, is_typing)

    async def departments(self) -> list[str]:
        return await self._api.departments()

    def fill_canned(self, reply: CannedReply, conversation_id: int | None,
                    extra: dict[str, str] | None = None) -> tuple[str, list[str]]:
        """(text, variables it could not fill). `extra` holds values the operator typed in."""
        view = self._store.conversations.get(conversation_id) if conversation_id is not None else None
        values = context_for(view.visitor if view else None, self._store.me)
        values.update({k: v for k, v in (extra or {}).items() if v})
        return fill(reply.body, values)
