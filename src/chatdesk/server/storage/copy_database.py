"""`chatdesk copy-db`'s work: every copied table's rows (storage/copy_plan.py) read from the
SQLite source in batches and written to Postgres, in one Postgres transaction: a copy that fails
anywhere leaves the target as it was. Rows go through schema.py's tables on both sides, so each
engine's types do the conversions (JSON text, booleans, NUL-safe text on Postgres)."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Table, insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from . import copy_plan, copy_target
from .copy_source import CopyRefused, open_source, row_counts
from .target import shown, sqlalchemy_url

CONNECT_TIMEOUT = 10.0          # seconds: a host that does not answer is a wrong URL
APPLICATION = "chatdesk copy-db"   # not the servers' name: copy_target.OTHER_SERVERS counts those


class CopyFailed(Exception):
    """The copy went wrong after it began; its transaction was rolled back."""


@dataclass
class CopyReport:
    counts: dict[str, int]        # rows copied per table, in copy order
    newest_event: int
    seconds: float


def copy_table(src: Connection, dst: Connection, table: Table) -> int:
    """All of `table`'s rows, in primary-key order, a batch at a time."""
    rows = src.execution_options(yield_per=copy_plan.ROWS_PER_BATCH).execute(
        select(table).order_by(*table.primary_key.columns))
    copied = 0
    for batch in rows.partitions():
        dst.execute(insert(table), [row._asdict() for row in batch])
        copied += len(batch)
    return copied


def _short(error: BaseException) -> str:
    message = str(getattr(error, "orig", None) or error).strip().splitlines()
    return message[0] if message else type(error).__name__


def _copy_all(dst: Connection, src: Connection, expected: dict[str, int], where: str) -> dict[str, int]:
    copy_target.prepare(dst, where)
    copy_target.before_rows(dst)
    copied: dict[str, int] = {}
    for table in copy_plan.copied_tables():
        try:
            copied[table.name] = copy_table(src, dst, table)
        except Exception as e:
            raise CopyFailed(f"copying {table.name}: {_short(e)}") from e
    copy_target.after_rows(dst)
    landed = copy_target.target_counts(dst)
    if landed != expected:
        odd = ", ".join(f"{n} {expected[n]} -> {landed[n]}" for n in expected if landed[n] != expected[n])
        raise CopyFailed(f"the row counts differ after the copy ({odd})")
    return copied


async def copy_database(source: Path, url: str) -> CopyReport:
    """Copy `source` (an SQLite file nobody has open) into the Postgres database at `url` (new,
    or migrated and empty). Raises CopyRefused before anything is written, CopyFailed after."""
    started = time.monotonic()
    where = shown(url)
    src_engine, src = open_source(source)
    try:
        expected = row_counts(src)
        newest = src.execute(text("SELECT COALESCE(MAX(event_id), 0) FROM events")).scalar_one()
        engine = create_async_engine(sqlalchemy_url(url), poolclass=NullPool, connect_args={
            "timeout": CONNECT_TIMEOUT, "server_settings": {"application_name": APPLICATION}})
        try:
            try:
                conn = await engine.connect()
            except TimeoutError:
                raise CopyRefused(f"Could not connect to {where}: no answer within {CONNECT_TIMEOUT:g} s.") from None
            except Exception as e:
                raise CopyRefused(f"Could not connect to {where}: {_short(e)}.") from None
            try:
                async with conn.begin():
                    copied = await conn.run_sync(_copy_all, src, expected, where)
                await conn.execute(text("ANALYZE"))      # the planner's figures for the new rows
                await conn.commit()
            finally:
                await conn.close()
        finally:
            await engine.dispose()
    finally:
        src.close()
        src_engine.dispose()
    return CopyReport(copied, newest, time.monotonic() - started)
