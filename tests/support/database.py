"""Read a server's database directly, on either engine: `rows(srv.database, sql, *params)` with
`?` placeholders (sqlite3's), rewritten to `$1, $2, …` for asyncpg on Postgres. For tests that
check what is stored (hashes, not tokens; counts) rather than what the API says."""
from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any

from chatdesk.server.storage.target import database_target, libpq_url


def rows(database: Path | str, sql: str, *params: Any) -> list[tuple]:
    target = database_target(database)
    if not isinstance(target, str):
        with sqlite3.connect(target) as db:
            return db.execute(sql, params).fetchall()
    numbered = iter(range(1, sql.count("?") + 1))
    pg_sql = re.sub(r"\?", lambda _m: f"${next(numbered)}", sql)
    return in_thread(_fetch(libpq_url(target), pg_sql, params))


async def _fetch(url: str, sql: str, params: tuple) -> list[tuple]:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return [tuple(r) for r in await conn.fetch(sql, *params)]
    finally:
        await conn.close()


def in_thread(coro: Any) -> Any:
    """asyncio.run(coro) in a thread of its own: the caller may already be running a loop."""
    result: list[Any] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            result.append(asyncio.run(coro))
        except BaseException as e:      # handed to the caller's thread
            failed.append(e)
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]
    return result[0]
