"""`chatdesk copy-db --from FILE --to postgresql://…`: a shop's SQLite database moved into a new
Postgres database (storage/copy_database.py), with the rows per table reported. Exit 0: copied;
2: refused before anything was written (the sentence says why); 1: failed and rolled back."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from .storage.target import UnknownDatabase, database_target, is_postgres, shown

PROG = "chatdesk copy-db"


def _targets(args) -> tuple[Path, str]:
    if is_postgres(args.source):
        raise UnknownDatabase(f"--from {shown(args.source)}: copy-db copies from an SQLite file "
                              "(or sqlite:///path).")
    source = database_target(args.source)
    target = database_target(args.target)
    if not isinstance(target, str) or not isinstance(source, Path):
        raise UnknownDatabase(f"--to {args.target}: give the Postgres database as a postgresql:// URL.")
    return source, target


def copy_db(args) -> int:
    try:
        source, url = _targets(args)
    except UnknownDatabase as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2
    from sqlalchemy.exc import SQLAlchemyError

    from .storage.copy_database import CopyFailed, copy_database
    from .storage.copy_source import CopyRefused
    try:
        report = asyncio.run(copy_database(source, url))
    except CopyRefused as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2
    except (CopyFailed, SQLAlchemyError, OSError) as e:
        print(f"{PROG}: the copy failed ({e}); nothing was written to {shown(url)}.", file=sys.stderr)
        return 1
    width = max(map(len, report.counts))
    for name, rows in report.counts.items():
        print(f"  {name:<{width}}  {rows:>9}")
    print(f"{PROG}: copied {sum(report.counts.values())} rows in {len(report.counts)} tables from {source} "
          f"to {shown(url)} in {report.seconds:.1f} s (newest event {report.newest_event}). "
          f"Start the server with --db {shown(url)}.")
    return 0
