"""`chatdesk backup FILE`: a consistent copy of the SQLite database while servers keep writing,
through sqlite3's online backup API (pages copied in steps; a write meanwhile restarts the copy of
what changed, so the copy is one committed state). The copy is checked before it is kept."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

PAGES_PER_STEP = 1024


def backup(args) -> int:
    source, target = Path(args.db), Path(args.file)
    if not source.exists():
        print(f"chatdesk backup: there is no database at {source}.", file=sys.stderr)
        return 2
    if target.exists():
        print(f"chatdesk backup: {target} exists already; give a new file name.", file=sys.stderr)
        return 2
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=10)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst, pages=PAGES_PER_STEP)
        verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
        events = dst.execute("SELECT count(*), coalesce(max(event_id), 0) FROM events").fetchone()
    finally:
        dst.close()
        src.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        print(f"chatdesk backup: the copy failed its integrity check ({verdict}); nothing written.",
              file=sys.stderr)
        return 1
    partial.rename(target)
    print(f"chatdesk backup: {target} written ({target.stat().st_size} bytes, {events[0]} events, "
          f"newest event {events[1]}).")
    return 0
