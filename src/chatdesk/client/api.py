"""ApiClient: the operator's REST calls over httpx. Every failure becomes a sentence a person can read:
`ApiError` (the server refused; `str()` is the server's own sentence) or `ApiUnavailable` (no answer).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

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
    VisitorDetail,
    VisitorNote,
)

from .sanitize import clean_line
from .staff_api import StaffApiMixin

if TYPE_CHECKING:
    import httpx

    from chatdesk.protocol.requests import LoginResponse

# Request bodies (chatdesk.protocol.requests) are imported by the calls that send them: building
# those models is start-up time the desk's first screen does not need.

M = TypeVar("M", bound=BaseModel)
API = "/api/v1"


class ApiError(Exception):
    """The server answered with an error. `str()` is its sentence, fit for a notification."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    @property
    def retryable(self) -> bool:
        """Worth sending again later: timeout, rate limit, or the server's own trouble. A 409 is
        final here: on a message it means the chat is closed or the id was used elsewhere."""
        return self.status in (408, 425, 429) or self.status >= 500


def _body(model: type[M], *args: Any, **fields: Any) -> M:
    """A request body, checked here so that a reply the server would refuse (too long, empty, ...)
    fails with a sentence instead of an exception from deep inside the outbox."""
    try:
        return model(*args, **fields)
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err.get("loc", ())) or "request"
        raise ApiError(422, "invalid", f"Not sent: {field} {err.get('msg', 'is not valid').lower()}.") from e


class ApiUnavailable(Exception):
    """The server could not be reached (refused, timed out, connection dropped)."""


class ApiClient(StaffApiMixin):
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 10.0,
                 transport: "httpx.AsyncBaseTransport | None" = None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._timeout, self._transport = timeout, transport
        self._client: httpx.AsyncClient | None = None
        self.requests = 0            # requests sent so far (tests; the status line may show it)

    @property
    def _http(self) -> "httpx.AsyncClient":
        """Made on the first request: importing httpx is ~45 ms the desk's first screen does not
        wait for (its snapshot may come from chatdesk.client.prefetch)."""
        if self._client is None:
            import httpx
            # A plain-http server (loopback, the demo) never uses TLS: skip building the
            # certificate context (~40 ms). https keeps full verification.
            self._client = httpx.AsyncClient(base_url=self.base_url, timeout=self._timeout,
                                             transport=self._transport,
                                             verify=self.base_url.startswith("https://"))
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def __aenter__(self) -> "ApiClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- plumbing ------------------------------------------------------------------------------
    async def _request(self, method: str, path: str, body: BaseModel | dict | None = None,
                       params: dict | None = None) -> Any:
        import httpx
        self.requests += 1
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if isinstance(body, BaseModel):
            body = body.model_dump(exclude_none=True)
        try:
            r = await self._http.request(method, API + path, json=body, params=params, headers=headers)
        except httpx.HTTPError as e:
            raise ApiUnavailable(f"The chat server at {self.base_url} is not reachable ({_why(e)}).") from e
        if r.status_code >= 400:
            raise _error(r)
        if r.status_code == 204 or not r.content:
            return None
        try:
            return r.json()
        except ValueError as e:
            raise ApiError(r.status_code, "bad_response",
                           f"The chat server at {self.base_url} sent an answer that is not JSON.") from e

    async def _request_text(self, method: str, path: str, params: dict | None = None) -> str:
        """Like _request, for answers that are text (exports), not JSON."""
        import httpx
        self.requests += 1
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            r = await self._http.request(method, API + path, params=params, headers=headers)
        except httpx.HTTPError as e:
            raise ApiUnavailable(f"The chat server at {self.base_url} is not reachable ({_why(e)}).") from e
        if r.status_code >= 400:
            raise _error(r)
        return r.text

    def _parse(self, model: type[M], data: Any) -> M:
        try:
            return model.model_validate(data)
        except ValidationError as e:
            raise ApiError(200, "bad_response",
                           f"The chat server at {self.base_url} sent a {model.__name__} the desk "
                           "does not understand; is it a different version?") from e

    def _parse_list(self, model: type[M], data: Any, key: str) -> list[M]:
        items = data.get(key, []) if isinstance(data, dict) else data
        return [self._parse(model, item) for item in items or []]

    # --- auth and me ---------------------------------------------------------------------------
    async def login(self, email: str, password: str) -> LoginResponse:
        from chatdesk.protocol.requests import LoginRequest, LoginResponse
        res = self._parse(LoginResponse, await self._request(
            "POST", "/auth/login", _body(LoginRequest, email=email, password=password)))
        self.token = res.token
        return res

    async def logout(self) -> None:
        await self._request("POST", "/auth/logout")
        self.token = None

    async def me(self) -> Operator:
        return self._parse(Operator, await self._request("GET", "/me"))

    async def set_status(self, status: str) -> Operator | None:
        data = await self._request("PUT", "/me/status", {"status": status})
        return self._parse(Operator, data) if isinstance(data, dict) and "id" in data else None

    async def health(self) -> bool:
        return bool((await self._request("GET", "/health") or {}).get("ok"))

    # --- queue and conversations ---------------------------------------------------------------
    async def queue(self) -> list[QueueEntry]:
        return self._parse_list(QueueEntry, await self._request("GET", "/queue"), "queue")

    async def conversations(self, state: str | None = None) -> list[Conversation]:
        params = {"state": state} if state else None
        return self._parse_list(Conversation, await self._request("GET", "/conversations", params=params),
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
        return self._parse(ConversationDetail, await self._request(
            "GET", f"/conversations/{conversation_id}", params=params or None))

    async def desk(self, last: int) -> DeskSnapshot:
        """What the desk starts with, in one request (GET /desk)."""
        return self._parse(DeskSnapshot, await self._request("GET", "/desk", params={"last": last}))

    async def older_messages(self, conversation_id: int, before_seq: int, limit: int) -> MessagePage:
        return self._parse(MessagePage, await self._request(
            "GET", f"/conversations/{conversation_id}/messages", params={"before_seq": before_seq, "limit": limit}))

    async def accept(self, conversation_id: int) -> Any:
        return await self._request("POST", f"/conversations/{conversation_id}/accept")

    async def transfer(self, conversation_id: int, operator_id: int | None = None,
                       department: str | None = None, note: str = "") -> Any:
        from chatdesk.protocol.requests import TransferRequest
        body = _body(TransferRequest, operator_id=operator_id, department=department, note=note)
        return await self._request("POST", f"/conversations/{conversation_id}/transfer", body)

    async def close(self, conversation_id: int, summary: str, tags: list[str] | None = None,
                    follow_up: str | None = None) -> Any:
        from chatdesk.protocol.requests import CloseRequest
        body = _body(CloseRequest, summary=summary, tags=list(tags or []), follow_up=follow_up)
        return await self._request("POST", f"/conversations/{conversation_id}/close", body)

    async def send_message(self, conversation_id: int, client_msg_id: str, body: str,
                           kind: str = "text") -> Message | Approval:
        """The stored message; an Approval (HTTP 202) when the author's text waits for a trainer."""
        from chatdesk.protocol.requests import SendMessageRequest
        req = _body(SendMessageRequest, client_msg_id=client_msg_id, body=body, kind=kind)  # type: ignore[arg-type]
        data = await self._request("POST", f"/conversations/{conversation_id}/messages", req)
        if isinstance(data, dict) and isinstance(data.get("approval"), dict):
            return self._parse(Approval, data["approval"])
        if isinstance(data, dict) and "message" in data and "body" not in data:
            data = data["message"]
        return self._parse(Message, data)

    async def callback(self, conversation_id: int, channel: str, value: str, note: str = "") -> Any:
        return await self._request("POST", f"/conversations/{conversation_id}/callback",
                                   {"channel": channel, "value": value, "note": note})

    # --- visitors ------------------------------------------------------------------------------
    async def visitor(self, visitor_id: str) -> VisitorDetail:
        return self._parse(VisitorDetail, await self._request("GET", f"/visitors/{_seg(visitor_id)}"))

    async def add_visitor_note(self, visitor_id: str, body: str) -> VisitorNote | None:
        from chatdesk.protocol.requests import VisitorNoteRequest
        data = await self._request("POST", f"/visitors/{_seg(visitor_id)}/notes", _body(VisitorNoteRequest, body=body))
        if isinstance(data, dict) and "note" in data:
            data = data["note"]
        return self._parse(VisitorNote, data) if isinstance(data, dict) and "id" in data else None

    async def update_visitor(self, visitor_id: str, **fields: str | None) -> VisitorDetail:
        from chatdesk.protocol.requests import VisitorUpdateRequest
        body = _body(VisitorUpdateRequest, **fields)
        return self._parse(VisitorDetail, await self._request("PATCH", f"/visitors/{_seg(visitor_id)}", body))

    # --- team ----------------------------------------------------------------------------------
    async def operators(self) -> list[Operator]:
        return self._parse_list(Operator, await self._request("GET", "/operators"), "operators")

    async def departments(self) -> list[str]:
        data = await self._request("GET", "/departments")
        return [str(d) for d in (data.get("departments", []) if isinstance(data, dict) else data or [])]

    async def canned(self) -> list[CannedReply]:
        return self._parse_list(CannedReply, await self._request("GET", "/canned"), "canned")

    async def create_canned(self, shortcut: str, title: str, body: str, tags: list[str] | None = None,
                            shared: bool = True) -> CannedReply:
        from chatdesk.protocol.requests import CannedCreateRequest
        req = _body(CannedCreateRequest, shortcut=shortcut, title=title, body=body, tags=list(tags or []), shared=shared)
        return self._parse(CannedReply, await self._request("POST", "/canned", req))

    async def patch_operator(self, operator_id: int, **fields: Any) -> Operator:
        from chatdesk.protocol.requests import OperatorPatchRequest
        body = _body(OperatorPatchRequest, **fields)
        return self._parse(Operator, await self._request("PATCH", f"/operators/{operator_id}", body))


def _seg(value: str) -> str:
    """A path segment from an id the visitor chose: never lets it add path parts."""
    return quote(str(value), safe="")


def _why(e: "httpx.HTTPError") -> str:
    import httpx
    if isinstance(e, httpx.TimeoutException):
        return "no answer in time"
    if isinstance(e, httpx.ConnectError):
        return "connection refused"
    return "connection lost"


def _error(r: "httpx.Response") -> ApiError:
    code, message = f"http_{r.status_code}", ""
    try:
        body = r.json()
        if isinstance(body, dict):
            code = str(body.get("error") or code)
            message = str(body.get("message") or body.get("detail") or "")
    except ValueError:
        pass
    if not message:
        message = f"The chat server answered {r.status_code} {r.reason_phrase or ''}".rstrip() + "."
    return ApiError(r.status_code, clean_line(code, 80), clean_line(message, 500))
