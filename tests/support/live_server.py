"""The real chat server in a child process: `python -m chatdesk server` on a free loopback port
with a temporary SQLite file, or (`--db-engine=postgres`) a fresh database of the session's
Postgres cluster (tests/support/postgres.py). Tests talk to it over real HTTP and websockets."""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from chatdesk.demo.local_server import NotHealthy, free_port, health_url, wait_until_healthy

from . import postgres


def database_for_test() -> str:
    """A fresh Postgres database's URL when the suite runs on Postgres; "" (the SQLite file) otherwise."""
    return postgres.fresh_database() if postgres.on_postgres() else ""


class PortTaken(RuntimeError):
    """Something else bound the server's port between free_port() and the server's own bind."""


@dataclass
class LiveServer:
    db_path: Path
    port: int = field(default_factory=free_port)
    extra_args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen | None = None
    log_path: Path | None = None
    open_files: int | None = None       # RLIMIT_NOFILE (hard, and soft unless soft_files) for the server
    soft_files: int | None = None
    name: str = ""                      # several servers on one database: each its own log file
    db_url: str = field(default_factory=database_for_test)   # "": the SQLite file db_path
    module: str = "chatdesk"            # what `python -m` runs (tests/support/gc_report_server.py: the same server, inspectable)

    @property
    def database(self) -> str:
        """What the server's --db gets: the Postgres URL, or the SQLite file."""
        return self.db_url or str(self.db_path)

    def _limit_files(self) -> None:
        if self.open_files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (self.soft_files or self.open_files, self.open_files))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> "LiveServer":
        """Start the server and wait for its health check. The timeout only guards against a hang:
        on two cores shared with other test workers, the server's imports alone can take 15 s.
        A first start whose port was taken meanwhile (free_port only says it was free when asked)
        moves to another port; a restart keeps its port, since clients know the address."""
        first_start = self.proc is None
        while True:
            try:
                return self._start_once(timeout)
            except PortTaken:
                if not first_start:
                    raise
                self.port = free_port()

    def _start_once(self, timeout: float) -> "LiveServer":
        self.log_path = self.db_path.with_name(f"{self.db_path.stem}{'-' + self.name if self.name else ''}.log")
        log_from = self.log_path.stat().st_size if self.log_path.exists() else 0
        cmd = [sys.executable, "-m", self.module, "server", "--db", self.database,
               "--host", "127.0.0.1", "--port", str(self.port), *self.extra_args]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                         env={**os.environ, **self.env}, preexec_fn=self._limit_files)
        try:
            wait_until_healthy(health_url(self.url), timeout, self.proc)
        except NotHealthy as e:
            self.kill()                    # never leave a half-started server behind
            if e.returncode is not None:
                if b"address already in use" in self.log_path.read_bytes()[log_from:].lower():
                    raise PortTaken(self.port) from None
                raise RuntimeError(f"server exited with {e.returncode}:\n{self.log()}") from None
            raise RuntimeError(f"server did not answer within {timeout}s:\n{self.log()}") from None
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        """kill -9: no shutdown handler runs."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def restart(self) -> "LiveServer":
        self.stop()
        return self.start()

    def add_user(self, email: str, name: str, role: str = "operator", max_chats: int = 4,
                 password: str = "secret-pass-1", departments: tuple[str, ...] = ()) -> None:
        """Through the real CLI, as an admin would."""
        cmd = [sys.executable, "-m", "chatdesk", "user", "add", email, "--db", self.database,
               "--name", name, "--role", role, "--max-chats", str(max_chats), "--password-stdin"]
        for d in departments:
            cmd += ["--department", d]
        subprocess.run(cmd, input=password + "\n", text=True, check=True, capture_output=True)

    def login(self, email: str, password: str = "secret-pass-1") -> str:
        # the same 20 s as tests/support/api.py: under load a login (scrypt) can take seconds
        r = httpx.post(f"{self.url}/api/v1/auth/login", json={"email": email, "password": password}, timeout=20)
        r.raise_for_status()
        return r.json()["token"]

    def operator(self, email: str, name: str | None = None, role: str = "operator",
                 max_chats: int = 4, departments: tuple[str, ...] = ()) -> str:
        """Add an operator and return a logged-in token."""
        self.add_user(email, name or email.split("@")[0].title(), role, max_chats, departments=departments)
        return self.login(email)


def serving(folder: Path, **options: Any) -> Iterator[LiveServer]:
    """A real server on `folder`/chat.db for a fixture's life: `yield from serving(...)`."""
    srv = LiveServer(folder / "chat.db", **options).start()
    try:
        yield srv
    finally:
        srv.stop()
