"""1. Event to screen under load: set-up over the real API, then bench.latency_child."""
from __future__ import annotations

import httpx

from bench.common import Server, accept, new_visitor, open_chat, pct, run_child
from chatdesk.protocol.limits import API_PREFIX


def setup(srv: Server, visitors: int = 200, open_chats: int = 20, queued: int = 50) -> dict:
    token = srv.operator("desk@bench.test", max_chats=50)
    people, chats = [], []
    with httpx.Client(base_url=f"{srv.url}{API_PREFIX}", timeout=30) as http:
        for i in range(visitors):
            v = new_visitor(http, i)
            people.append(v)
            if i < open_chats + queued:
                cid = open_chat(http, v, f"Hello, question number {i} about my order",
                               f"Visitor {i}" if i < open_chats else f"Waiting {i}")
                if i < open_chats:
                    accept(http, token, cid)
                    chats.append({"cid": cid, "token": v["token"]})
    return {"token": token, "visitors": people, "chats": chats, "open_chats": open_chats, "queued": queued}


def run(srv: Server, count: int, keys: int, rate: float = 25.0, pageviews: float = 20.0,
        background: float = 4.0, state: dict | None = None) -> dict:
    state = state or setup(srv)
    measured, others = state["chats"][0], state["chats"][1:]
    args = {"url": srv.url, "token": state["token"], "server_pid": srv.pid, "measured_cid": measured["cid"],
            "open_chats": state["open_chats"], "queued": state["queued"], "keys": keys,
            "load": {"url": srv.url, "visitors": state["visitors"], "chats": others, "measured": measured,
                     "count": count, "measured_rate": rate, "pageview_rate": pageviews,
                     "background_rate": background, "duration": count / rate + 15}}
    r = run_child("bench.latency_child", args, timeout=count / rate + 120)
    summary = {"messages_sent": count, "messages_seen": len(r["e2e_ms"]), "keys": len(r["keys_ms"]),
               "keys_missed": r.get("keys_missed"), "load": r["load"], "frames_per_s": r["frames_per_s"],
               "queue_len": r["queue_len"], "tabs": r["tabs"],
               "desk_cpu_share": r["desk_cpu_share"], "server_cpu_share": r["server_cpu_share"],
               "load_average": r["load_average"]}
    if "layout_requests" in r:
        summary["layout_requests"] = r["layout_requests"]
        summary["widget_renders"] = r["widget_renders"]
    for name in ("e2e_ms", "server_ms", "wire_ms", "desk_ms", "keys_ms"):
        summary[name] = {"p50": pct(r[name], 50), "p99": pct(r[name], 99), "max": max(r[name], default=None)}
    # the ten slowest measured messages as (n, ms): one stall delays a run of consecutive n, a
    # request stuck on its own shows alone
    summary["slowest_server_ms"] = sorted(enumerate(r["server_ms"]), key=lambda p: -p[1])[:10]
    return summary


if __name__ == "__main__":
    import json
    import sys
    s = Server().start()
    try:
        n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
        print(json.dumps(run(s, n, keys=int(sys.argv[2]) if len(sys.argv) > 2 else 40), indent=1))
    finally:
        s.stop()
