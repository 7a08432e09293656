"""`chatdesk server --workers N`: N processes on one port (SO_REUSEPORT) serve together; a worker
killed with -9 is started again by the parent; SIGTERM to the parent stops them all. And
`chatdesk backup FILE` copies the database while servers write to it."""
from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time

import httpx
import pytest

from chatdesk.demo.local_server import free_port, health_url, wait_until_healthy
from tests.support.cluster import Cluster
from tests.support.database import rows
from tests.support.live_server import database_for_test
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for


def members(database) -> dict[str, int]:
    return dict(rows(str(database), "SELECT member_id, pid FROM cluster_members WHERE heartbeat_at > ?",
                     time.time() - 5))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.timeout(180)
async def test_workers_share_a_port_and_a_dead_one_comes_back(tmp_path):
    db, port = database_for_test() or tmp_path / "chat.db", free_port()
    log = open(tmp_path / "workers.log", "wb")
    parent = subprocess.Popen([sys.executable, "-m", "chatdesk", "server", "--db", str(db), "--port", str(port),
                               "--workers", "2"], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        await asyncio.to_thread(wait_until_healthy, health_url(url), 60, parent)
        await wait_for(lambda: len(members(db)) == 2, "two workers in the cluster", timeout=60)
        first = members(db)
        async with httpx.AsyncClient() as http:      # a new connection each time: the kernel spreads them
            for _ in range(40):
                r = await http.get(url + "/api/v1/health", headers={"Connection": "close"})
                assert r.status_code == 200
        victim = sorted(first.values())[0]
        os.kill(victim, signal.SIGKILL)
        await wait_for(lambda: len(members(db)) == 2 and victim not in members(db).values(),
                       "the parent starting the killed worker again", timeout=60)
        v = await Visitor(url, retry_for=30).arrive()
        await v.start_chat("hello after the restart")
        await v.close()
        seen_pids = set(members(db).values())
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(30) == 0
        await wait_for(lambda: not any(alive(p) for p in seen_pids), "every worker stopped", timeout=20)
        text = (tmp_path / "workers.log").read_text()
        assert "ended with -9; starting it again" in text, text
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        log.close()


@pytest.mark.sqlite_only("chatdesk backup copies a SQLite file; Postgres has pg_dump")
@pytest.mark.timeout(180)
async def test_backup_while_two_processes_write(tmp_path):
    cl = Cluster(tmp_path / "chat.db", 2).start()
    try:
        visitors = [await Visitor(cl[i]).arrive() for i in range(2)]
        await asyncio.gather(*(v.start_chat("hello") for v in visitors))
        stop = asyncio.Event()

        async def talk(v: Visitor) -> None:
            n = 0
            while not stop.is_set():
                await v.say(f"line {n}")
                n += 1
        talking = [asyncio.create_task(talk(v)) for v in visitors]
        copy = tmp_path / "copy.db"
        done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "chatdesk", "backup", str(copy),
                                                        "--db", str(cl.db_path)], capture_output=True, text=True)
        stop.set()
        await asyncio.gather(*talking)
        assert done.returncode == 0, done.stderr
        assert "written" in done.stdout
        with sqlite3.connect(copy) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            kinds = dict(db.execute("SELECT type, count(*) FROM events GROUP BY type").fetchall())
        assert kinds.get("message.created", 0) >= 2
        again = subprocess.run([sys.executable, "-m", "chatdesk", "backup", str(copy), "--db", str(cl.db_path)],
                               capture_output=True, text=True)
        assert again.returncode == 2 and "exists already" in again.stderr
        for v in visitors:
            await v.close()
    finally:
        cl.stop()
