"""A desk session (the client package, no Textual) against the real server."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from chatdesk.client.session import DeskSession


async def started_session(srv: Any, token: str, state_dir: Path) -> DeskSession:
    session = DeskSession(srv.url, token, state_dir=state_dir)
    await session.start()
    return session
