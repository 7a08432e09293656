"""The SQLite side of `chatdesk copy-db`: the file opened so that nobody else has it open, checked
to be a chatdesk database at this release's schema version with no table or column the copy
would not know about.

In use means refused (not copied from an online backup): a server still running would go on
writing after the copy, and whatever it wrote would be lost at the switch while desks and widgets
had seen it (their resume would then run ahead of the new log). So the move needs every server
on the file stopped. The connection's locking mode is EXCLUSIVE and it begins an EXCLUSIVE
transaction: in WAL mode every other open connection holds a shared lock on the file for as
long as it is open, so a running server (any process, this one too) makes this fail at once,
and while the copy holds the lock no server can start on the file and write. A backup made with
`chatdesk backup` is a file nobody has open: it can be the source as well."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.pool import StaticPool

from . import copy_plan
from .version import LATEST

LOCK_WAIT_MS = 1000       # a server that is stopping releases its lock within this


class CopyRefused(Exception):
    """The copy cannot be made; the message is one sentence saying why and what to do."""


def _connect(path: Path) -> sqlite3.Connection:
    # mode=rw: a missing file is an error, never a new empty database
    raw = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=rw", uri=True,
                          timeout=LOCK_WAIT_MS / 1000, isolation_level=None, check_same_thread=False)
    raw.execute("PRAGMA locking_mode=EXCLUSIVE")
    return raw


def open_source(path: Path) -> tuple[Engine, Connection]:
    """The source's engine and its one connection, inside an exclusive read transaction that the
    caller ends by closing both. Refuses (CopyRefused) a missing file, one that is not SQLite,
    one in use, and one this chatdesk would not copy whole (see check_source)."""
    if not path.is_file():
        raise CopyRefused(f"There is no SQLite database at {path}.")
    engine = create_engine("sqlite://", creator=lambda: _connect(path), poolclass=StaticPool)

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001
        conn.exec_driver_sql("BEGIN EXCLUSIVE")
        conn.exec_driver_sql("PRAGMA query_only=ON")      # from here on the copy cannot write its source

    conn = engine.connect()
    try:
        conn.begin()
        check_source(conn, path)
    except BaseException as e:
        conn.close()
        engine.dispose()
        if isinstance(e, CopyRefused):
            raise
        raise _refusal(path, e) from e
    return engine, conn


def _refusal(path: Path, error: BaseException) -> BaseException:
    message = str(getattr(error, "orig", error))
    if "locked" in message or "busy" in message:
        return CopyRefused(f"{path} is open in another process (a chatdesk server still running?): "
                           "stop every server on it first, or copy from a backup made with `chatdesk backup`.")
    if "not a database" in message or "malformed" in message:
        return CopyRefused(f"{path} is not an SQLite database ({message}).")
    return error


def check_source(conn: Connection, path: Path) -> None:
    names = set(inspect(conn).get_table_names())
    if "schema_version" not in names:
        raise CopyRefused(f"{path} is not a chatdesk database (it has no schema_version table).")
    version = conn.execute(text("SELECT version FROM schema_version")).scalar() or 0
    if version != LATEST:
        what = ("older" if version < LATEST else "newer")
        hint = (f"start this chatdesk's server on it once (`chatdesk server --db {path}`, after a backup) "
                "to migrate it, stop it, and copy again" if version < LATEST else "use that newer chatdesk")
        raise CopyRefused(f"{path} is at schema version {version}, {what} than this chatdesk's "
                          f"({LATEST}): {hint}.")
    unknown = sorted(n for n in names - copy_plan.known_sqlite_tables() if not n.startswith("sqlite_"))
    if unknown:
        raise CopyRefused(f"{path} has tables this chatdesk does not know ({', '.join(unknown)}); "
                          "nothing is copied rather than leaving them behind.")
    for table in copy_plan.copied_tables():
        if table.name not in names:
            raise CopyRefused(f"{path} has no {table.name} table although it is at version {version}.")
        found = {c["name"] for c in inspect(conn).get_columns(table.name)}
        if found != set(table.c.keys()):
            odd = sorted(found ^ set(table.c.keys()))
            raise CopyRefused(f"{path}: the columns of {table.name} differ from this chatdesk's schema "
                              f"({', '.join(odd)}); nothing is copied.")


def row_counts(conn: Connection) -> dict[str, int]:
    """Rows per copied table (in the source's transaction: the same rows the copy reads)."""
    return {t.name: conn.execute(text(f'SELECT count(*) FROM "{t.name}"')).scalar_one()
            for t in copy_plan.copied_tables()}

