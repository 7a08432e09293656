"""Shared pieces: the real server in a subprocess, accounts, web visitors over the real API,
percentiles and RSS. Sync httpx on purpose: set-up runs outside any event loop."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from chatdesk.demo.local_server import free_port, health_url, wait_until_healthy
from chatdesk.protocol.limits import API_PREFIX

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-pass-1"


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def rss_mb(pid: int | None = None) -> float:
    """Resident set size in MB (Linux /proc)."""
    with open(f"/proc/{pid or os.getpid()}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU time of a process so far (Linux /proc): a figure the other programs on
    a shared machine cannot inflate the way they inflate wall-clock times."""
    with open(f"/proc/{pid or os.getpid()}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_env(**extra: str) -> dict[str, str]:
    """Environment for child processes: our src on the path, no user config, quiet."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}", **extra}
    env.pop("CHATDESK_URL", None)
    return env


@dataclass
class Server:
    """`python -m chatdesk server` on a free loopback port with its own SQLite file."""
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="chatdesk-bench-")))
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    module: str = "chatdesk"          # "bench.stall_probe": the same server, watched for stalls
    db_url: str = ""                 # a Postgres URL instead of the SQLite file (bench/scale.py)

    @property
    def db(self) -> Path:
        return self.workdir / "bench.db"

    @property
    def database(self) -> str:
        return self.db_url or str(self.db)

    @property
    def pid(self) -> int:
        """The running server's process id (after start())."""
        assert self.proc is not None, "the server was not started"
        return self.proc.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, *extra: str, timeout: float = 30.0) -> "Server":
        log = open(self.workdir / "server.log", "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", self.module, "server", "--db", self.database, "--port", str(self.port),
             "--visitor-timeout", "3600",
             # all simulated browsers share one loopback address: no per-address or per-visitor limits
             "--visitor-rate", "0", "--address-rate", "0", "--connections-per-address", "0",
             "--chats-per-address", "0", "--new-chats-per-address", "0", "--new-chats-per-visitor", "0", *extra],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=child_env())
        wait_until_healthy(health_url(self.url), timeout, self.proc)
        return self

    def operator(self, email: str, role: str = "operator", max_chats: int = 50) -> str:
        """Add an account (the real accounts code) and return a logged-in token."""
        from chatdesk.server.accounts_cli import create_user
        create_user(self.database, email=email, name=email.split("@")[0].title(), role=role,
                    max_chats=max_chats, password=PASSWORD)
        r = httpx.post(f"{self.url}{API_PREFIX}/auth/login", json={"email": email, "password": PASSWORD})
        r.raise_for_status()
        return r.json()["token"]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def new_visitor(http: httpx.Client, n: int) -> dict:
    """A browsing visitor: {visitor_id, token}."""
    r = http.post("/visitor/sessions", json={"url": f"https://shop.test/p/{n}", "title": f"Product {n}",
                                             "referrer": ""})
    r.raise_for_status()
    body = r.json()
    return {"visitor_id": body["visitor_id"], "token": body["visitor_token"]}


def open_chat(http: httpx.Client, visitor: dict, body: str, name: str) -> int:
    r = http.post("/visitor/conversations", headers={"Authorization": f"Bearer {visitor['token']}"},
                  json={"client_msg_id": uuid.uuid4().hex, "body": body, "name": name})
    r.raise_for_status()
    return r.json()["conversation"]["id"]


def accept(http: httpx.Client, token: str, cid: int) -> None:
    r = http.post(f"/conversations/{cid}/accept", headers={"Authorization": f"Bearer {token}"})
    r.raise_for_status()


def run_child(module: str, args: dict, timeout: float, env: dict | None = None) -> dict:
    """Run `python -m module` with a JSON argument file; it writes its JSON answer to a file."""
    with tempfile.TemporaryDirectory(prefix="chatdesk-bench-child-") as tmp:
        arg_path, out_path = Path(tmp) / "args.json", Path(tmp) / "out.json"
        arg_path.write_text(json.dumps(args))
        proc = subprocess.run([sys.executable, "-m", module, str(arg_path), str(out_path)],
                              cwd=ROOT, env=env or child_env(), capture_output=True, text=True,
                              timeout=timeout)
        if not out_path.exists():
            raise RuntimeError(f"{module} gave no answer (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
        return json.loads(out_path.read_text())
