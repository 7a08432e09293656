"""What a rule answers when it says no. The api layer maps each kind to its status and sends
`{"error": code, "message": sentence}` (api/errors.py); services never see HTTP."""
from __future__ import annotations


class DomainError(Exception):
    """A refusal with a machine-readable code and a sentence a person understands."""
    code = "error"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.error = code or self.code


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    code = "conflict"


class Invalid(DomainError):
    code = "invalid"


class Unauthorized(DomainError):
    code = "unauthorized"


class TooMany(DomainError):
    """A flood limit said no (docs/security.md): 429 with Retry-After."""
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = max(1, retry_after)


def not_found(what: str) -> NotFound:
    return NotFound(f"There is no {what}.")


def forbidden(message: str) -> Forbidden:
    return Forbidden(message)


def conflict(error: str, message: str) -> Conflict:
    return Conflict(message, error)
