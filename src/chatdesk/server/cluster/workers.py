"""`chatdesk server --workers N`: a parent that migrates the database once, starts N server
processes sharing --port (SO_REUSEPORT: the kernel spreads connections) with --cluster, and starts
again any that dies. SIGTERM or SIGINT stops them all (SIGTERM each, SIGKILL after 10 s).

A worker that keeps dying young is restarted after a growing pause (1 s doubling to 30 s), so a
broken config does not spin a core."""
from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

log = logging.getLogger("chatdesk.server.workers")
CHECK = 0.2
YOUNG = 10.0          # seconds: a worker dying sooner than this counts as failing to start
PAUSE_MAX = 30.0


@dataclass
class Worker:
    number: int
    argv: list[str]
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    pause: float = 1.0
    due_at: float = 0.0
    restarts: int = 0
    history: list[int] = field(default_factory=list)    # exit codes, newest last

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv)
        self.started_at = time.monotonic()
        print(f"chatdesk server: worker {self.number} started (pid {self.proc.pid})", flush=True)


def worker_argv(argv: list[str]) -> list[str]:
    """The parent's own arguments without --workers, plus --cluster --reuse-port."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--workers":
            skip = True
            continue
        if arg.startswith("--workers="):
            continue
        out.append(arg)
    return [sys.executable, "-m", "chatdesk", *out, "--cluster", "--reuse-port"]


def _migrate(target: str) -> None:
    """Once, before the workers start (SQLite file or Postgres URL alike)."""
    import asyncio

    from ..storage.engine import open_database
    from ..storage.migrations import migrate_async
    from ..storage.target import database_target

    async def go() -> None:
        db = open_database(database_target(target))
        try:
            await migrate_async(db)
        finally:
            await db.close()
    asyncio.run(go())


def run_workers(args, argv: list[str]) -> int:
    _migrate(args.db)
    workers = [Worker(i + 1, worker_argv(argv)) for i in range(args.workers)]
    stopping: list[int] = []

    def stop(signum, _frame) -> None:  # noqa: ANN001
        stopping.append(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"chatdesk server: {args.workers} workers on http://{args.host}:{args.port} "
          f"(database {args.db})", flush=True)
    for w in workers:
        w.start()
    while not stopping:
        now = time.monotonic()
        for w in workers:
            if w.proc is not None and (code := w.proc.poll()) is not None:
                w.history.append(code)
                w.pause = min(PAUSE_MAX, w.pause * 2) if now - w.started_at < YOUNG else 1.0
                w.due_at = now + (w.pause if now - w.started_at < YOUNG else 0.0)
                print(f"chatdesk server: worker {w.number} (pid {w.proc.pid}) ended with {code}; "
                      f"starting it again", flush=True)
                w.proc = None
            if w.proc is None and now >= w.due_at:
                w.restarts += 1
                w.start()
        time.sleep(CHECK)
    for w in workers:
        if w.proc is not None and w.proc.poll() is None:
            w.proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10.0
    for w in workers:
        if w.proc is None:
            continue
        try:
            w.proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            w.proc.kill()
            w.proc.wait()
    return 0
