"""ApiClient: the operator's REST calls over one Transport (chatdesk.client.http). `api.staff` holds
the calls for supervisors and trainers (StaffApi), `api.work` those for work items (WorkApi). Every failure becomes a sentence a person can
read: `ApiError` (the server refused) or `ApiUnavailable` (no answer).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from chatdesk.protocol.models import (
    Approval,
    CannedReply,
    Conversation,
    ConversationDetail,
    DeskSnapshot,
    Message,
    MessagePage,
    Operator,
    QueueEntry,
    QueuePage,
    VisitorDetail,
    VisitorNote,
)

from .browsing_api import BrowsingApi
from .http import ApiError, ApiUnavailable, Transport, build_body
from .openers_api import OpenersApi
from .staff_api import StaffApi
from .work_api import WorkApi

if TYPE_CHECKING:
    import httpx

    from chatdesk.protocol.requests import LoginResponse

__all__ = ["ApiClient", "ApiError", "ApiUnavailable"]

# Request bodies (chatdesk.protocol.requests) are imported by the calls that send them: building
# those models is start-up time the desk's first screen does not need.


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.http = Transport(base_url, token, timeout, transport)
        self.staff = StaffApi(self.http)
        self.browsing = BrowsingApi(self.http)
        self.openers = OpenersApi(self.http)
        self.work = WorkApi(self.http)

    @property
    def base_url(self) -> str:
        return self.http.base_url

    @property
    def token(self) -> str | None:
        return self.http.token

    @property
    def requests(self) -> int:
        """Requests sent so far (tests; the status line may show it)."""
        return self.http.requests

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- auth and me ---------------------------------------------------------------------------
    async def login(self, email: str, password: str) -> LoginResponse:
        from chatdesk.protocol.requests import LoginRequest, LoginResponse
        res = self.http.parse(LoginResponse, await self.http.request(
            "POST", "/auth/login", build_body(LoginRequest, email=email, password=password)))
        self.http.token = res.token
        return res

    async def logout(self) -> None:
        await self.http.request("POST", "/auth/logout")
        self.http.token = None

    async def me(self) -> Operator:
        return self.http.parse(Operator, await self.http.request("GET", "/me"))

    async def set_status(self, status: str) -> Operator | None:
        data = await self.http.request("PUT", "/me/status", {"status": status})
        return self.http.parse(Operator, data) if isinstance(data, dict) and "id" in data else None

    async def health(self) -> bool:
        return bool((await self.http.request("GET", "/health") or {}).get("ok"))

    # --- queue and conversations ---------------------------------------------------------------
    async def queue(self) -> list[QueueEntry]:
        """The oldest waiting chats (the server's first page)."""
        return (await self.queue_page()).queue

    async def queue_page(self, limit: int | None = None) -> QueuePage:
        """The oldest waiting chats, and how many wait in all (`total`)."""
        params = {"limit": limit} if limit is not None else None
        return self.http.parse(QueuePage, await self.http.request("GET", "/queue", params=params))

    async def conversations(self, state: str | None = None) -> list[Conversation]:
        params = {"state": state} if state else None
        return self.http.parse_list(Conversation, await self.http.request("GET", "/conversations", params=params),
                                "conversations")

    async def conversation(self, conversation_id: int, *, last: int | None = None,
                           after_seq: int | None = None, events: bool = True) -> ConversationDetail:
        """The whole conversation by default; `last`: only its newest messages (`has_older` says
        if there are more); `after_seq`: only messages after that seq; `events=False`: no event log."""
        params: dict[str, Any] = {} if events else {"events": "false"}
        if last is not None:
            params["last"] = last
        if after_seq is not None:
            params["after_seq"] = after_seq
        return self.http.parse(ConversationDetail, await self.http.request(
            "GET", f"/conversations/{conversation_id}", params=params or None))

    async def desk(self, last: int) -> DeskSnapshot:
        """What the desk starts with, in one request (GET /desk)."""
        return self.http.parse(DeskSnapshot, await self.http.request("GET", "/desk", params={"last": last}))

    async def older_messages(self, conversation_id: int, before_seq: int, limit: int) -> MessagePage:
        return self.http.parse(MessagePage, await self.http.request(
            "GET", f"/conversations/{conversation_id}/messages", params={"before_seq": before_seq, "limit": limit}))

    async def accept(self, conversation_id: int) -> Any:
        return await self.http.request("POST", f"/conversations/{conversation_id}/accept")

    async def transfer(self, conversation_id: int, operator_id: int | None = None,
                       department: str | None = None, note: str = "") -> Any:
        from chatdesk.protocol.requests import TransferRequest
        body = build_body(TransferRequest, operator_id=operator_id, department=department, note=note)
        return await self.http.request("POST", f"/conversations/{conversation_id}/transfer", body)

    async def close(self, conversation_id: int, summary: str, tags: list[str] | None = None,
                    follow_up: str | None = None) -> Any:
        from chatdesk.protocol.requests import CloseRequest
        body = build_body(CloseRequest, summary=summary, tags=list(tags or []), follow_up=follow_up)
        return await self.http.request("POST", f"/conversations/{conversation_id}/close", body)

    async def send_message(self, conversation_id: int, client_msg_id: str, body: str,
                           kind: str = "text") -> Message | Approval:
        """The stored message; an Approval (HTTP 202) when the author's text waits for a trainer."""
        from chatdesk.protocol.requests import SendMessageRequest
        req = build_body(SendMessageRequest, client_msg_id=client_msg_id, body=body, kind=kind)
        data = await self.http.request("POST", f"/conversations/{conversation_id}/messages", req)
        if isinstance(data, dict) and isinstance(data.get("approval"), dict):
            return self.http.parse(Approval, data["approval"])
        if isinstance(data, dict) and "message" in data and "body" not in data:
            data = data["message"]
        return self.http.parse(Message, data)

    async def callback(self, conversation_id: int, channel: str, value: str, note: str = "") -> Any:
        return await self.http.request("POST", f"/conversations/{conversation_id}/callback",
                                   {"channel": channel, "value": value, "note": note})

    # --- visitors ------------------------------------------------------------------------------
    async def visitor(self, visitor_id: str) -> VisitorDetail:
        return self.http.parse(VisitorDetail, await self.http.request("GET", f"/visitors/{_seg(visitor_id)}"))

    async def add_visitor_note(self, visitor_id: str, body: str) -> VisitorNote | None:
        from chatdesk.protocol.requests import VisitorNoteRequest
        data = await self.http.request("POST", f"/visitors/{_seg(visitor_id)}/notes", build_body(VisitorNoteRequest, body=body))
        if isinstance(data, dict) and "note" in data:
            data = data["note"]
        return self.http.parse(VisitorNote, data) if isinstance(data, dict) and "id" in data else None

    async def update_visitor(self, visitor_id: str, **fields: str | None) -> VisitorDetail:
        from chatdesk.protocol.requests import VisitorUpdateRequest
        body = build_body(VisitorUpdateRequest, **fields)
        return self.http.parse(VisitorDetail, await self.http.request("PATCH", f"/visitors/{_seg(visitor_id)}", body))

    # --- team ----------------------------------------------------------------------------------
    async def operators(self) -> list[Operator]:
        return self.http.parse_list(Operator, await self.http.request("GET", "/operators"), "operators")

    async def departments(self) -> list[str]:
        data = await self.http.request("GET", "/departments")
        return [str(d) for d in (data.get("departments", []) if isinstance(data, dict) else data or [])]

    async def canned(self) -> list[CannedReply]:
        return self.http.parse_list(CannedReply, await self.http.request("GET", "/canned"), "canned")

    async def create_canned(self, shortcut: str, title: str, body: str, tags: list[str] | None = None,
                            shared: bool = True) -> CannedReply:
        from chatdesk.protocol.requests import CannedCreateRequest
        req = build_body(CannedCreateRequest, shortcut=shortcut, title=title, body=body, tags=list(tags or []), shared=shared)
        return self.http.parse(CannedReply, await self.http.request("POST", "/canned", req))


def _seg(value: str) -> str:
    """A path segment from an id the visitor chose: never lets it add path parts."""
    return quote(str(value), safe="")
