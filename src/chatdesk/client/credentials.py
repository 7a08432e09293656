"""Where the operator's token lives: the system keyring (imported lazily: it is slow to import).

Order when reading: `CHATDESK_TOKEN` always wins; then the private file named by
`CHATDESK_TOKEN_FILE`, or `token` in the config folder if `chatdesk login --token-file` (or its
question on a machine without a keyring) made one: both opt-ins, written 0600; then the keyring.
No backend and no fallback -> `NoKeyring` with a sentence saying what to do, whatever the backend
raised. A token is never printed.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

TOKEN_ENV = "CHATDESK_TOKEN"
TOKEN_FILE_ENV = "CHATDESK_TOKEN_FILE"

NO_KEYRING = ("No system keyring is available on this machine, so chatdesk cannot keep your token "
              "there. Log in again with --token-file to keep it in a private file (readable only by "
              "you) in the config folder, or set CHATDESK_TOKEN_FILE to a path of your choice, or set "
              "CHATDESK_TOKEN to a token.")


class NoKeyring(Exception):
    """No keyring backend (headless machine); `str()` says what to do instead."""

    def __init__(self, detail: str = ""):
        super().__init__(NO_KEYRING + (f" ({detail})" if detail else ""))


def service_name(url: str) -> str:
    return f"chatdesk:{url.rstrip('/')}"


def default_token_file() -> Path:
    from .config import config_dir
    return config_dir() / "token"


def _token_file() -> Path | None:
    raw = os.environ.get(TOKEN_FILE_ENV, "").strip()
    if raw:
        return Path(raw).expanduser()
    default = default_token_file()
    return default if default.exists() else None


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
    except Exception as e:   # a backend with no session bus raises its own errors (D-Bus, OSError, ...)
        raise NoKeyring(f"{type(e).__name__}: {e}") from e


def save_token(url: str, email: str, token: str, file: Path | None = None) -> str:
    """Keep the token; returns where it went ("the system keyring" or the file path). `file`:
    the user opted in to a private file there."""
    path = file or _token_file()
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
    except Exception as e:   # a backend with no session bus raises its own errors (D-Bus, OSError, ...)
        raise NoKeyring(f"{type(e).__name__}: {e}") from e
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
