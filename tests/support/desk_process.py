"""The real `chatdesk` command as an end-to-end test starts it: its own config and state folders, no
bell, and the operator's token in CHATDESK_TOKEN (the keyring is not for tests)."""
from __future__ import annotations

import sys
from pathlib import Path


def desk_command(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "chatdesk", "--url", url, *args]


def desk_env(tmp_path: Path, token: str | None = None, **extra: str) -> dict[str, str]:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "CHATDESK_BELL": "0", **extra}
    if token is not None:
        env["CHATDESK_TOKEN"] = token
    return env
