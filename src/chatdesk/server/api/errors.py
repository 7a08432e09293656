"""Every error leaves the server as a 4xx `{"error": code, "message": sentence}` (WIRE.md).
Bad input never becomes a 5xx: validation errors, unknown routes, wrong methods, text SQLite cannot
store and numbers it cannot hold all get a 4xx with a sentence a person understands."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..services.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, TooMany, Unauthorized

log = logging.getLogger("chatdesk.server")


STATUS: dict[type[DomainError], int] = {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 422,
                                       Unauthorized: 401, TooMany: 429}


def status_of(exc: DomainError) -> int:
    return next(code for kind, code in STATUS.items() if isinstance(exc, kind))


def body(error: str, message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": error, "message": message}, status_code=status)


_HTTP_SENTENCES = {
    401: ("unauthorized", "Log in first: this needs a valid token."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not accept that method."),
    413: ("too_large", "The request is too large."),
}


def _field(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def validation_sentence(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "The request is not valid."
    first = errors[0]
    kind, field = first.get("type", ""), _field(tuple(first.get("loc", ())))
    if kind == "json_invalid":
        return "The request body is not valid JSON."
    if kind == "missing":
        return f"The field '{field}' is required."
    msg = str(first.get("msg", "is not valid")).rstrip(".")
    return f"The field '{field}' is not valid: {msg[:1].lower() + msg[1:]}."


def _unreadable_body(cause: BaseException | None) -> str | None:
    """The sentence for a JSON body FastAPI could not parse (it answers a bare 400 for these)."""
    if isinstance(cause, RecursionError):
        return "The request body is nested too deeply."
    if isinstance(cause, UnicodeDecodeError):
        return "The request body is not valid UTF-8."
    if isinstance(cause, ValueError):       # e.g. an integer longer than 4300 digits
        return "The request body is not valid JSON: a number in it is too long."
    return None


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_req: Request, exc: DomainError):
        response = body(exc.error, exc.message, status_of(exc))
        if isinstance(exc, TooMany):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(_req: Request, exc: RequestValidationError):
        return body("invalid", validation_sentence(exc), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException):
        if exc.status_code == 400 and (sentence := _unreadable_body(exc.__cause__)):
            return body("invalid", sentence, 422)
        code, sentence = _HTTP_SENTENCES.get(exc.status_code, ("error", str(exc.detail)))
        if isinstance(exc.detail, str) and exc.status_code not in _HTTP_SENTENCES:
            sentence = exc.detail
        return body(code, sentence, exc.status_code)

    @app.exception_handler(UnicodeEncodeError)
    async def _unicode(_req: Request, _exc: UnicodeEncodeError):
        return body("invalid", "The text contains characters that cannot be stored (lone surrogates).", 422)

    @app.exception_handler(OverflowError)
    async def _overflow(_req: Request, _exc: OverflowError):
        return body("invalid", "A number in the request is too large.", 422)

    @app.exception_handler(StatementError)
    async def _statement(req: Request, exc: StatementError):
        if isinstance(exc.orig, UnicodeEncodeError):
            return await _unicode(req, exc.orig)
        if isinstance(exc.orig, OverflowError):
            return await _overflow(req, exc.orig)
        log.exception("database error on %s %s", req.method, req.url.path)
        return body("internal", "The server failed to store this; please try again.", 500)

    @app.exception_handler(Exception)
    async def _bug(req: Request, exc: Exception):
        log.error("unhandled error on %s %s", req.method, req.url.path, exc_info=exc)
        return body("internal", "Something went wrong on the server; please try again.", 500)
