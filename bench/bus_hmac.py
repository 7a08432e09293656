"""`python -m bench.bus_hmac`: what the cluster bus's HMAC and freshness stamp cost a datagram
(cluster/bus.py, bus_freshness.py), next to the JSON it already encodes and parses: a wake-up ("I
committed up to N", the common one) and a typing frame with a 2,000-character sneak peek. Prints
microseconds per datagram ("fresh?" checks a new stamp each time, so it includes making one);
asserts nothing."""
from __future__ import annotations

import json
import secrets
import time
import timeit

from chatdesk.server.cluster.bus import Bus
from chatdesk.server.cluster.bus_freshness import STAMP, Freshness, Stamper
from chatdesk.server.eventlog.hub import Hub

N = 20_000


def per_call(fn, n: int = N) -> float:
    return min(timeit.repeat(fn, number=n, repeat=5)) / n * 1e6


def main() -> None:
    # only _tag is used: no fan-out is needed to sign
    bus = Bus(Hub(), fanout=None, key=secrets.token_bytes(32))    # type: ignore[arg-type]
    stamper, freshness = Stamper(), Freshness()
    now = time.time()
    wake = {"k": "ev", "id": 123_456_789}
    typing = {"k": "frame", "to": ["readers", 7, False], "frame": {
        "type": "typing", "conversation_id": 42, "actor": "visitor", "is_typing": True, "text": "x" * 2000}}
    print(f"{'datagram':<10} {'bytes':>6} {'json out':>9} {'stamp':>6} {'sign':>7} {'verify':>7} {'fresh?':>7} "
          f"{'json in':>8}  (µs)")
    for name, message in (("wake-up", wake), ("typing", typing)):
        body = stamper.stamp(now) + json.dumps(message, separators=(",", ":")).encode()
        tag = bus._tag(body)
        print(f"{name:<10} {len(body) + len(tag):>6} "
              f"{per_call(lambda m=message: json.dumps(m, separators=(',', ':')).encode()):>9.2f} "
              f"{per_call(lambda: stamper.stamp(now)):>6.2f} "
              f"{per_call(lambda b=body: bus._tag(b)):>7.2f} "
              f"{per_call(lambda b=body, t=tag: bus._tag(b) == t):>7.2f} "
              f"{per_call(lambda: freshness.check(stamper.stamp(now), now)):>7.2f} "
              f"{per_call(lambda b=body: json.loads(b[STAMP.size:])):>8.2f}")


if __name__ == "__main__":
    main()
