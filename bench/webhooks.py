"""Webhooks: visitor message -> operator screen with a receiver that hangs, against none.

Fresh servers under the latency section's load, in the order none, hanging, hanging, none: one with no webhook, one whose every event
goes to a receiver that accepts connections and never answers (each attempt holds a delivery
slot until --delivery-timeout). The desk's event->screen p50/p99 should not move; the outbox's
backlog shows the hanging receiver was really busy."""
from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import threading

from bench import latency
from bench.common import Server, child_env


class HangingReceiver:
    """Accepts every connection and never reads or answers; holds the sockets until stopped."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=512)
        self.held: list[socket.socket] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/hook"

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.held.append(conn)

    def start(self) -> HangingReceiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(2)
        for conn in self.held:
            conn.close()
        self.sock.close()


def _backlog(db: str) -> dict:
    with sqlite3.connect(db) as conn:
        counts = dict(conn.execute("SELECT state, count(*) FROM deliveries GROUP BY state").fetchall())
        attempts = conn.execute("SELECT count(*) FROM delivery_attempts").fetchone()[0]
    return {"pending": counts.get("pending", 0), "delivered": counts.get("delivered", 0),
            "attempts_timed_out": attempts}


def _one(messages: int, keys: int, visitors: int, open_chats: int, queued: int, hanging: bool,
         probe: bool = False) -> dict:
    receiver = HangingReceiver().start() if hanging else None
    srv = Server(module="bench.stall_probe") if probe else Server()
    try:
        srv.start("--delivery-timeout", "5")
        if receiver is not None:
            subprocess.run([sys.executable, "-m", "chatdesk", "webhook", "add", receiver.url, "--events", "*",
                            "--db", str(srv.db)], check=True, capture_output=True, env=child_env())
        state = latency.setup(srv, visitors, open_chats, queued)
        r = latency.run(srv, messages, keys, state=state)
    finally:
        srv.stop()
        if receiver is not None:
            receiver.stop()
    out = {"e2e_ms": r["e2e_ms"], "server_ms": r["server_ms"], "messages_seen": r["messages_seen"],
           "messages_sent": r["messages_sent"], "server_cpu_share": r["server_cpu_share"]}
    if hanging:
        out["outbox"] = _backlog(str(srv.db))
    if probe:
        out["server_log"] = str(srv.workdir / "server.log")
        out["slowest_server_ms"] = r["slowest_server_ms"]
    return out


def _mean_of(runs: list[dict]) -> dict:
    """The runs of one mode together: mean p50/p99, worst max, all messages; each run kept."""
    e2e = {k: sum(r["e2e_ms"][k] for r in runs) / len(runs) for k in ("p50", "p99")}
    e2e["max"] = max(r["e2e_ms"]["max"] or 0 for r in runs)
    out = {"e2e_ms": e2e, "messages_seen": sum(r["messages_seen"] for r in runs),
           "messages_sent": sum(r["messages_sent"] for r in runs), "runs": runs}
    if "outbox" in runs[-1]:
        out["outbox"] = runs[-1]["outbox"]
    return out


def run(messages: int, keys: int, visitors: int = 100, open_chats: int = 10, queued: int = 20) -> dict:
    """A B B A (none, hanging, hanging, none): a machine getting busier or quieter during the run
    weighs on both modes alike."""
    runs: dict[str, list[dict]] = {"none": [], "hanging": []}
    for hanging in (False, True, True, False):
        runs["hanging" if hanging else "none"].append(_one(messages, keys, visitors, open_chats, queued, hanging))
    return {mode: _mean_of(r) for mode, r in runs.items()}


if __name__ == "__main__":
    import json
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    if "--probe" in sys.argv:            # a hanging run, then one without, under bench.stall_probe
        print(json.dumps([_one(n, 10, 100, 10, 20, hanging=h, probe=True) for h in (True, False)], indent=1))
    else:
        print(json.dumps(run(n, keys=10), indent=1))
