"""Where the operator's token lives: the system keyring (imported lazily: it is slow to import).

Order when reading: `CHATDESK_TOKEN` always wins; then the private file named by
`CHATDESK_TOKEN_FILE` (an opt-in for machines without a keyring; written 0600); then the keyring.
No backend and no fallback -> `NoKeyring` with a sentence saying what to do. A token is never printed.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

TOKEN_ENV = "CHATDESK_TOKEN"
TOKEN_FILE_ENV = "CHATDESK_TOKEN_FILE"

NO_KEYRING = ("No system keyring is available on this machine, so chatdesk cannot keep your token "
              "there. Set CHATDESK_TOKEN to a token instead, or opt in to a private file: set "
              "CHATDESK_TOKEN_FILE to a path (for example ~/.config/chatdesk/token) and log in again.")


class NoKeyring(Exception):
    """No keyring backend (headless machine); `str()` says what to do instead."""

    def __init__(self, detail: str = ""):
        super().__init__(NO_KEYRING + (f" ({detail})" if detail else ""))


def service_name(url: str) -> str:
    return f"chatdesk:{url.rstrip('/')}"


def _token_file() -> Path | None:
    raw = os.environ.get(TOKEN_FILE_ENV, "").strip()
    return Path(raw).expanduser() if raw else None


class _KeyringApi(Protocol):
    """The part of the `keyring` module used here (a module satisfies a Protocol; keyring is typed)."""

    def get_password(self, service_name: str, username: str) -> str | None: ...
    def set_password(self, service_name: str, username: str, password: str) -> None: ...
    def delete_password(self, service_name: str, username: str) -> None: ...


class _KeyringErrors(Protocol):
    """The part of `keyring.errors` used here."""

    @property
    def KeyringError(self) -> type[Exception]: ...
    @property
    def PasswordDeleteError(self) -> type[Exception]: ...


def _keyring() -> tuple[_KeyringApi, _KeyringErrors]:
    try:
        import keyring
        import keyring.errors
    except ImportError as e:       # pragma: no cover - keyring is a dependency
        raise NoKeyring("the keyring package is missing") from e
    return keyring, keyring.errors


def load_token(url: str, email: str) -> str | None:
    """The token for this server and operator, or None if none was saved."""
    env = os.environ.get(TOKEN_ENV, "").strip()
    if env:
        return env
    path = _token_file()
    if path is not None:
        if not path.exists():
            return None
        return path.read_text(encoding="utf-8").strip() or None
    keyring, errors = _keyring()
    try:
        return keyring.get_password(service_name(url), email)
    except errors.KeyringError as e:       # NoKeyringError and friends
        raise NoKeyring(type(e).__name__) from e
    except RuntimeError as e:             # some backends fail this way when no session bus exists
        raise NoKeyring(str(e)) from e


def save_token(url: str, email: str, token: str) -> str:
    """Keep the token; returns where it went ("the system keyring" or the file path)."""
    path = _token_file()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(token + "\n")
        os.chmod(path, 0o600)             # also when the file existed with looser rights
        return str(path)
    keyring, errors = _keyring()
    try:
        keyring.set_password(service_name(url), email, token)
    except errors.KeyringError as e:
        raise NoKeyring(type(e).__name__) from e
    except RuntimeError as e:
        raise NoKeyring(str(e)) from e
    return "the system keyring"


def delete_token(url: str, email: str) -> None:
    path = _token_file()
    if path is not None:
        path.unlink(missing_ok=True)
        return
    keyring, errors = _keyring()
    try:
        keyring.delete_password(service_name(url), email)
    except errors.PasswordDeleteError:
        pass
    except (errors.KeyringError, RuntimeError) as e:
        raise NoKeyring(str(e)) from e
