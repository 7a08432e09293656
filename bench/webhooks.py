"""Webhooks: visitor message -> operator screen with a receiver that hangs, against none.

Fresh servers under the latency section's load, in pairs run back to back: one with no webhook,
one whose every event goes to a receiver that accepts connections and never answers (each attempt
holds a delivery slot until --delivery-timeout). The desk's event->screen p50/p99 should not move;
the outbox's backlog shows the hanging receiver was really busy. Each run reports its own figures,
the load average around it and the server's CPU seconds (which other programs cannot inflate);
only pairs on a calm machine are judged. `python -m bench.webhooks N PAIRS --probe` runs every
server under bench.stall_probe, which names the cause of any stall in the server's log."""
from __future__ import annotations

import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading

from bench import latency
from bench.common import Server, child_env, cpu_seconds


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
    load_before = os.getloadavg()[0]
    try:
        srv.start("--delivery-timeout", "5")
        if receiver is not None:
            subprocess.run([sys.executable, "-m", "chatdesk", "webhook", "add", receiver.url, "--events", "*",
                            "--db", str(srv.db)], check=True, capture_output=True, env=child_env())
        state = latency.setup(srv, visitors, open_chats, queued)
        assert srv.proc is not None
        cpu_before = cpu_seconds(srv.pid)
        r = latency.run(srv, messages, keys, state=state)
        cpu = cpu_seconds(srv.pid) - cpu_before
    finally:
        srv.stop()
        if receiver is not None:
            receiver.stop()
    out = {"mode": "hanging" if hanging else "none", "e2e_ms": r["e2e_ms"], "server_ms": r["server_ms"],
           "messages_seen": r["messages_seen"], "messages_sent": r["messages_sent"],
           "server_cpu_share": r["server_cpu_share"], "server_cpu_s": cpu,
           "load_average": [load_before, os.getloadavg()[0]]}
    if hanging:
        out["outbox"] = _backlog(str(srv.db))
    if probe:
        out["server_log"] = str(srv.workdir / "server.log")
        out["slowest_server_ms"] = r["slowest_server_ms"]
    return out


def calm(run: dict) -> bool:
    """The machine had a core for everyone during the run (load average at most the cores we may
    use, at its start and end): only then does a p99 say something about the server."""
    return max(run["load_average"]) <= len(os.sched_getaffinity(0))


def verdict(pairs: list[tuple[dict, dict]]) -> dict:
    """Hanging against none, pair by pair (each pair ran back to back). The p99 counts as unchanged
    when, over the calm pairs, the median of hanging/none is at most 1.5 (or the hanging p99 is at
    most 50 ms); with no calm pair there is no verdict."""
    ratios = [h["e2e_ms"]["p99"] / max(n["e2e_ms"]["p99"], 1e-9) for n, h in pairs]
    judged = [(n, h, q) for (n, h), q in zip(pairs, ratios, strict=True) if calm(n) and calm(h)]
    out: dict = {"ratios": ratios, "calm_pairs": len(judged), "pairs": len(pairs),
                 "median_ratio_all": statistics.median(ratios)}     # indicative on a busy machine
    if judged:
        median = statistics.median(q for _, _, q in judged)
        worst_hanging = max(h["e2e_ms"]["p99"] for _, h, _ in judged)
        out["median_ratio"] = median
        out["unchanged"] = median <= 1.5 or worst_hanging <= 50.0
    cpu = {mode: [r["server_cpu_s"] for pair in pairs for r in pair if r["mode"] == mode] for mode in ("none", "hanging")}
    out["server_cpu_s"] = {mode: sum(v) / len(v) for mode, v in cpu.items() if v}
    return out


def run(messages: int, keys: int, visitors: int = 100, open_chats: int = 10, queued: int = 20,
        pairs: int = 3, probe: bool = False) -> dict:
    """Pairs back to back, the order alternating (none then hanging, hanging then none, …): a
    machine getting busier or quieter weighs on both modes alike. Every run is kept with its own
    p50/p99, load average and server CPU time; the verdict uses the calm pairs only."""
    done: list[tuple[dict, dict]] = []
    for i in range(pairs):
        first_hanging = i % 2 == 1
        a = _one(messages, keys, visitors, open_chats, queued, first_hanging, probe)
        b = _one(messages, keys, visitors, open_chats, queued, not first_hanging, probe)
        done.append((b, a) if first_hanging else (a, b))          # (none, hanging)
    return {"runs": [r for pair in done for r in pair], "verdict": verdict(done)}


if __name__ == "__main__":
    import json
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    pairs = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 3
    print(json.dumps(run(n, keys=10, pairs=pairs, probe="--probe" in sys.argv), indent=1))
