"""Run the server's migrations on an SQLite file as the server does (the same hooks, BEGIN
IMMEDIATE) and say which version the file was at."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine

from chatdesk.server.storage.db import install_sqlite_hooks
from chatdesk.server.storage.migrations import migrate


def migrate_file(path: Path) -> int:
    engine = create_engine(f"sqlite:///{path}")
    install_sqlite_hooks(engine, "BEGIN IMMEDIATE")
    with engine.begin() as conn:
        found = migrate(conn)
    engine.dispose()
    return found
