"""A keyring backend kept in a JSON file (TEST_KEYRING_FILE), so a `chatdesk login` child process
and the test can share it. Selected with PYTHON_KEYRING_BACKEND=tests.support.filekeyring.FileKeyring."""
from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _path(self) -> Path:
        return Path(os.environ["TEST_KEYRING_FILE"])

    def _load(self) -> dict:
        p = self._path()
        return json.loads(p.read_text()) if p.exists() else {}

    def get_password(self, service, username):
        return self._load().get(f"{service}|{username}")

    def set_password(self, service, username, password):
        data = self._load()
        data[f"{service}|{username}"] = password
        self._path().write_text(json.dumps(data))

    def delete_password(self, service, username):
        data = self._load()
        if data.pop(f"{service}|{username}", None) is None:
            raise PasswordDeleteError(username)
        self._path().write_text(json.dumps(data))


class NoBusKeyring(KeyringBackend):
    """A backend on a headless machine whose session bus is missing: it fails with its own error,
    not a keyring one (as SecretService over D-Bus does). PYTHON_KEYRING_BACKEND=tests.support.filekeyring.NoBusKeyring."""
    priority = 1  # type: ignore[assignment]

    def get_password(self, service, username):
        raise ConnectionRefusedError(2, "No such file or directory: /run/user/0/bus")

    def set_password(self, service, username, password):
        raise ConnectionRefusedError(2, "No such file or directory: /run/user/0/bus")

    def delete_password(self, service, username):
        raise ConnectionRefusedError(2, "No such file or directory: /run/user/0/bus")
