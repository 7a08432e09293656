"""Several real server processes on one database (`--cluster`), each on its own loopback port,
and what the tests read from the shared tables: who holds the sweeper lease, who is a member.
The database is the suite's engine (a SQLite file, or with --db-engine=postgres one fresh
Postgres database), or the Postgres URL given as db_url."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.database import rows
from tests.support.live_server import LiveServer, database_for_test


@dataclass
class Cluster:
    db_path: Path
    size: int = 2
    extra_args: list[str] = field(default_factory=list)
    db_url: str = field(default_factory=database_for_test)    # "": the SQLite file db_path
    servers: list[LiveServer] = field(default_factory=list)

    @property
    def database(self) -> str:
        return self.db_url or str(self.db_path)

    def start(self) -> "Cluster":
        # the first creates and migrates the file; the rest start together afterwards
        self.servers = [LiveServer(self.db_path, extra_args=["--cluster", *self.extra_args], name=f"p{i + 1}",
                                  db_url=self.db_url)
                        for i in range(self.size)]
        self.servers[0].start()
        with ThreadPoolExecutor(max_workers=max(1, self.size - 1)) as pool:
            list(pool.map(LiveServer.start, self.servers[1:]))
        return self

    def stop(self) -> None:
        for srv in self.servers:
            srv.stop()

    def __getitem__(self, i: int) -> LiveServer:
        return self.servers[i]

    def _query(self, sql: str, *params) -> list[tuple]:
        return rows(self.database, sql, *params)

    def newest_event(self) -> int:
        return self._query("SELECT coalesce(max(event_id), 0) FROM events")[0][0]

    def lease(self) -> tuple[str, float, float] | None:
        """(holder member id, expires_at, taken_at) of the sweeper lease."""
        rows = self._query("SELECT holder, expires_at, taken_at FROM leases WHERE name = 'sweeper'")
        return rows[0] if rows else None

    def members(self) -> dict[str, int]:
        """member id -> pid, for rows renewed within 5 s."""
        return dict(self._query("SELECT member_id, pid FROM cluster_members WHERE heartbeat_at > ?",
                                time.time() - 5))

    def holder(self) -> LiveServer | None:
        """The server process holding a live sweeper lease."""
        lease = self.lease()
        if lease is None or lease[1] < time.time():
            return None
        pid = self.members().get(lease[0])
        return next((s for s in self.servers if s.proc and s.proc.pid == pid), None)
