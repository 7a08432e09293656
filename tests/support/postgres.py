"""A throwaway Postgres cluster for a test session: Debian's postgresql 15 binaries, run as a
non-root user (as root: the `postgres` account, through runuser), in a temporary folder, on a free
loopback port, with durability off (fsync, synchronous_commit: a test cluster dies with the run).
Its character type is C.UTF-8, so text search folds the case of every letter, not only ASCII (as
docs/deploy.md asks of a real one); its collation is C, byte order, as SQLite compares.

`fresh_database()` gives each server its own database, copied from a template migrated once
(CREATE DATABASE ... TEMPLATE is a file copy, far cheaper than running the migrations again).

The engine under test is chosen by `--db-engine=postgres` (tests/conftest.py) or
CHATDESK_TEST_DB=postgres; the default is SQLite."""
from __future__ import annotations

import asyncio
import atexit
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from chatdesk.demo.local_server import free_port

ENV = "CHATDESK_TEST_DB"


def _binaries() -> Path:
    """$CHATDESK_PG_BIN, else the newest of Debian's /usr/lib/postgresql/<version>/bin."""
    if given := os.environ.get("CHATDESK_PG_BIN"):
        return Path(given)
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                   if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


BIN = _binaries()
SUPERUSER = "chatdesk"
TEMPLATE = "chatdesk_template"


def engine_under_test() -> str:
    return "postgres" if os.environ.get(ENV, "").lower() in ("postgres", "postgresql", "pg") else "sqlite"


def on_postgres() -> bool:
    return engine_under_test() == "postgres"


def available() -> bool:
    return (BIN / "initdb").exists() and (BIN / "pg_ctl").exists()


class PostgresCluster:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="chatdesk-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.started = False
        self._names = itertools.count(1)
        self._run_as: list[str] = []
        if os.geteuid() == 0:              # Postgres refuses to run as root
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
            self._run_as = ["runuser", "-u", "postgres", "--"]

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *cmd: str, timeout: float = 120) -> str:
        done = subprocess.run([*self._run_as, *cmd], capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self) -> "PostgresCluster":
        self._run(str(BIN / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
                  "-E", "UTF8", "--locale=C", "--lc-ctype=C.UTF-8", "--no-sync")
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300 "
                   "-c shared_buffers=32MB")
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-o", options, "-w", "-t", "120", "start")
        self.started = True
        self._prepare_template()
        return self

    def sql(self, statement: str, dbname: str = "postgres") -> str:
        return self._run(str(BIN / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                         "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, "-d", dbname,
                         "-c", statement)

    def _prepare_template(self) -> None:
        """The template: migrated by the server's own runner, as `chatdesk server` would."""
        from chatdesk.server.storage.engine import open_database
        from chatdesk.server.storage.migrations import migrate_async

        self.sql(f"CREATE DATABASE {TEMPLATE}")

        async def migrate() -> None:
            db = open_database(self.url(TEMPLATE), pool_size=1)
            try:
                await migrate_async(db)
            finally:
                await db.close()
        asyncio.run(migrate())

    def fresh_database(self, template: str = TEMPLATE) -> str:
        """A new database (migrated, empty) and its URL."""
        name = f"t{os.getpid()}_{next(self._names)}_{uuid.uuid4().hex[:6]}"
        self.sql(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def empty_database(self) -> str:
        """A new database with nothing in it (not even the schema): for migration tests."""
        return self.fresh_database(template="template0")

    def stop(self) -> None:
        if self.started:
            subprocess.run([*self._run_as, str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                            "-w", "stop"], capture_output=True, timeout=60)
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)


_cluster: PostgresCluster | None = None


def cluster() -> PostgresCluster:
    """This process's cluster (one per pytest-xdist worker), started on first use."""
    global _cluster
    if _cluster is None:
        if not available():
            raise RuntimeError(f"Postgres binaries not found in {BIN} (apt-get install postgresql)")
        _cluster = PostgresCluster()
        atexit.register(stop_cluster)     # also when the session ends without its fixture's teardown
        _cluster.start()
    return _cluster


def stop_cluster() -> None:
    global _cluster
    if _cluster is not None:
        _cluster.stop()
        _cluster = None


def fresh_database() -> str:
    return cluster().fresh_database()
