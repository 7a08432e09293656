"""`chatdesk copy-db` run as an operator runs it (the real command in a child process), and the
figures a test compares: rows per table as the command reported them and as the SQLite file holds."""
from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from chatdesk.server.storage.copy_plan import copied_tables

REPORTED = re.compile(r"^  (\w+) +(\d+)$", re.MULTILINE)


def run_copy(source: Path | str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chatdesk", "copy-db", "--from", str(source), "--to", url],
                          capture_output=True, text=True, timeout=180)


def reported_counts(stdout: str) -> dict[str, int]:
    return {name: int(rows) for name, rows in REPORTED.findall(stdout)}


def sqlite_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        return {t.name: db.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0] for t in copied_tables()}
    finally:
        db.close()


def sqlite_value(path: Path, sql: str) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.close()
