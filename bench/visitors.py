"""6. The Visitors list with a crowd: key -> screen while the site's frames arrive.

Set-up over the real visitor API: `crowd` visitors land on the shop (the server keeps them on the
site for an hour, --browsing-idle), one operator's desk runs in bench.visitors_child with the
Visitors list open, and bench.load makes page views among them at `pageviews` a second, so a
visitors.browsing frame with tens of changed rows arrives every second while the keys are timed."""
from __future__ import annotations

import httpx

from bench.common import Server, new_visitor, pct, run_child
from chatdesk.protocol.limits import API_PREFIX

SERVER_ARGS = ("--browsing-idle", "3600")


def setup(srv: Server, crowd: int) -> dict:
    token = srv.operator("visitors@bench.test")
    with httpx.Client(base_url=f"{srv.url}{API_PREFIX}", timeout=30) as http:
        people = [new_visitor(http, i) for i in range(crowd)]
    return {"token": token, "visitors": people}


def run(srv: Server, crowd: int, keys: int, pageviews: float = 40.0) -> dict:
    state = setup(srv, crowd)
    duration = keys * 0.25 + 60
    args = {"url": srv.url, "token": state["token"], "server_pid": srv.pid, "crowd": crowd, "keys": keys,
            "load": {"url": srv.url, "visitors": state["visitors"], "chats": [], "measured": {}, "count": 0,
                     "measured_rate": 0, "pageview_rate": pageviews, "background_rate": 0,
                     "duration": duration}}
    r = run_child("bench.visitors_child", args, timeout=duration + 180)
    summary = {k: r[k] for k in ("crowd", "rows", "keys_missed", "frames_applied", "rest_loads", "load",
                                 "desk_cpu_share", "load_average", "frames_per_s", "first_load_ms")}
    summary["keys"] = len(r["keys_ms"])
    summary["key_cpu_ms"] = {"p50": pct(r["key_cpu_ms"], 50), "p99": pct(r["key_cpu_ms"], 99)}
    summary["keys_ms"] = {"p50": pct(r["keys_ms"], 50), "p99": pct(r["keys_ms"], 99), "max": max(r["keys_ms"], default=None)}
    for kind, times in r["by_key"].items():
        summary.setdefault("by_key", {})[kind] = {"n": len(times), "p50": pct(times, 50), "p99": pct(times, 99)}
    return summary


if __name__ == "__main__":
    import json
    import sys
    s = Server().start(*SERVER_ARGS)
    try:
        n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
        print(json.dumps(run(s, n, keys=int(sys.argv[2]) if len(sys.argv) > 2 else 100), indent=1))
    finally:
        s.stop()
