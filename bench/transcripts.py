"""3. Transcript scale (open a chat of N messages: time to first paint, memory) and
4. memory of a desk with 30 tabs of 1,000 messages. Each desk runs in its own child process so
its RSS is its own."""
from __future__ import annotations

import httpx

from bench import seed
from bench.common import Server, accept, new_visitor, open_chat, run_child
from chatdesk.protocol.limits import API_PREFIX


def _me(url: str, token: str) -> dict:
    return httpx.get(f"{url}{API_PREFIX}/me", headers={"Authorization": f"Bearer {token}"}).json()


def run(srv: Server, sizes: list[int], tabs: int, tab_messages: int) -> dict:
    results: dict = {"scale": {}, "tabs": None}
    opener = srv.operator("opener@bench.test", max_chats=50)
    holder = srv.operator("holder@bench.test", max_chats=50)
    who = {t: _me(srv.url, t) for t in (opener, holder)}
    with httpx.Client(base_url=f"{srv.url}{API_PREFIX}", timeout=30) as http:
        queued = {}
        for n in sizes:
            v = new_visitor(http, n)
            cid = open_chat(http, v, "Hello, a long story follows", f"Scale {n}")
            queued[n] = cid
            seed.add_messages(srv.db, cid, v["visitor_id"], f"Scale {n}", who[opener]["id"],
                              who[opener]["name"], n, last_body=f"LAST-OF-{n}-MESSAGES")
        held = []
        for i in range(tabs):
            v = new_visitor(http, 1000 + i)
            cid = open_chat(http, v, "Hi", f"Tab {i}")
            accept(http, holder, cid)
            seed.add_messages(srv.db, cid, v["visitor_id"], f"Tab {i}", who[holder]["id"],
                              who[holder]["name"], tab_messages, last_body=f"END-OF-TAB-{i}")
            held.append(cid)
    for n in sizes:
        r = run_child("bench.desk_child", {"mode": "open", "url": srv.url, "token": opener,
                                           "cid": queued[n], "marker": f"LAST-OF-{n}-MESSAGES"}, timeout=240)
        r["rss_growth_mb"] = r["rss_after_mb"] - r["rss_before_mb"]
        results["scale"][n] = r
    if tabs:
        results["tabs"] = run_child("bench.desk_child", {"mode": "tabs", "url": srv.url, "token": holder,
                                                         "tabs": tabs}, timeout=240)
        results["tabs"]["seeded_per_tab"] = tab_messages
    return results


if __name__ == "__main__":   # quick manual run
    import json
    import sys
    s = Server().start()
    try:
        sizes = [int(x) for x in sys.argv[1:]] or [100, 1000]
        print(json.dumps(run(s, sizes, tabs=int(__import__("os").environ.get("TABS", 3)), tab_messages=1000), indent=1))
    finally:
        s.stop()
