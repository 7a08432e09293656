"""Transport: the plumbing every REST call goes through (one httpx client, the token, the JSON in
and out), and the two failures it raises, each a sentence a person can read: `ApiError` (the
server refused; `str()` is the server's own sentence) or `ApiUnavailable` (no answer).

httpx is imported on the first request, not with this module: the desk's first screen does not
wait for it (its snapshot may come from chatdesk.client.prefetch).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from chatdesk.protocol.limits import API_PREFIX

from .sanitize import clean_line

if TYPE_CHECKING:
    import httpx

M = TypeVar("M", bound=BaseModel)
Params = dict[str, Any]
Json = dict[str, Any]


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


class ApiUnavailable(Exception):
    """The server could not be reached (refused, timed out, connection dropped)."""


def build_body(model: type[M], *args: Any, **fields: Any) -> M:
    """A request body, checked here so that a reply the server would refuse (too long, empty, ...)
    fails with a sentence instead of an exception from deep inside the outbox."""
    try:
        return model(*args, **fields)
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err.get("loc", ())) or "request"
        raise ApiError(422, "invalid", f"Not sent: {field} {err.get('msg', 'is not valid').lower()}.") from e


class Transport:
    """One connection to the chat server's REST API, shared by ApiClient and its StaffApi."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._timeout, self._transport = timeout, transport
        self._client: httpx.AsyncClient | None = None
        self.requests = 0            # requests sent so far (tests; the status line may show it)

    @property
    def _http(self) -> httpx.AsyncClient:
        """Made on the first request (importing httpx is start-up time the first frame skips)."""
        if self._client is None:
            import httpx
            # A plain-http server (loopback, the demo) never uses TLS: skip building the
            # certificate context. https keeps full verification.
            self._client = httpx.AsyncClient(base_url=self.base_url, timeout=self._timeout,
                                             transport=self._transport,
                                             verify=self.base_url.startswith("https://"))
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def _send(self, method: str, path: str, body: Json | None, params: Params | None) -> httpx.Response:
        import httpx
        self.requests += 1
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            r = await self._http.request(method, API_PREFIX + path, json=body, params=params, headers=headers)
        except httpx.HTTPError as e:
            raise ApiUnavailable(f"The chat server at {self.base_url} is not reachable ({_why(e)}).") from e
        if r.status_code >= 400:
            raise _error(r)
        return r

    async def request(self, method: str, path: str, body: BaseModel | Json | None = None,
                      params: Params | None = None) -> Any:
        """The answer's JSON (None for an empty answer). `path` is under the API prefix."""
        if isinstance(body, BaseModel):
            body = body.model_dump(exclude_none=True)
        r = await self._send(method, path, body, params)
        if r.status_code == 204 or not r.content:
            return None
        try:
            return r.json()
        except ValueError as e:
            raise ApiError(r.status_code, "bad_response",
                           f"The chat server at {self.base_url} sent an answer that is not JSON.") from e

    async def request_text(self, method: str, path: str, params: Params | None = None) -> str:
        """Like request, for answers that are text (exports), not JSON."""
        return (await self._send(method, path, None, params)).text

    def parse(self, model: type[M], data: Any) -> M:
        try:
            return model.model_validate(data)
        except ValidationError as e:
            raise ApiError(200, "bad_response",
                           f"The chat server at {self.base_url} sent a {model.__name__} the desk "
                           "does not understand; is it a different version?") from e

    def parse_list(self, model: type[M], data: Any, key: str) -> list[M]:
        items = data.get(key, []) if isinstance(data, dict) else data
        return [self.parse(model, item) for item in items or []]


def _why(e: httpx.HTTPError) -> str:
    import httpx
    if isinstance(e, httpx.TimeoutException):
        return "no answer in time"
    if isinstance(e, httpx.ConnectError):
        return "connection refused"
    return "connection lost"


def _error(r: httpx.Response) -> ApiError:
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
