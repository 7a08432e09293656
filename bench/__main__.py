"""`uv run python -m bench [--smoke] [--only SECTION ...]`: run the benchmarks, print one table,
write the figures as JSON to bench/results/ (gitignored)."""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import TypedDict

from bench import fanout, idle, latency, outbox_look, scale, startup, transcripts, visitors, visitors_rebuild, webhooks
from bench.common import Server
from bench.report import machine, table


class IdleConfig(TypedDict):
    """bench/idle.py's run() arguments."""
    processes: int
    visitors: int
    clients: int
    ramp_step: int
    ramp_limit: int
    rounds: int
    messages: int


class Config(TypedDict):
    """The numbers a run uses: FULL, or SMOKE for CI."""
    visitors: int
    open_chats: int
    queued: int
    warm: bool
    messages: int
    keys: int
    rounds: int
    sizes: list[int]
    tabs: int
    tab_messages: int
    subscribers: list[int]
    fan_messages: int
    missed: int
    hook_messages: int
    hook_pairs: int
    hook_crowd: list[int]          # visitors, open chats, queued
    look_sizes: list[int]
    crowds: list[int]
    crowd_keys: int
    scale_processes: list[int]
    scale_desks: int
    scale_messages: int
    idle: IdleConfig


FULL: Config = {"visitors": 200, "open_chats": 20, "queued": 50, "warm": True, "messages": 1000, "keys": 300, "rounds": 3, "sizes": [100, 1000, 10_000, 100_000],
        "tabs": 30, "tab_messages": 1000, "subscribers": [500, 2000], "fan_messages": 20, "missed": 1000,
        "hook_messages": 500, "hook_pairs": 3, "hook_crowd": [100, 10, 20],
        "look_sizes": [1_000, 10_000, 100_000], "crowds": [30, 2000], "crowd_keys": 200,
        "scale_processes": [1, 2, 4], "scale_desks": 200, "scale_messages": 50,
        "idle": {"processes": 4, "visitors": 10_000, "clients": 4, "ramp_step": 2_000, "ramp_limit": 24_000,
                 "rounds": 3, "messages": 100}}
SMOKE: Config = {"visitors": 30, "open_chats": 5, "queued": 10, "warm": False, "messages": 60, "keys": 20,
         "rounds": 1, "sizes": [1000], "tabs": 3, "tab_messages": 200,
         "subscribers": [100], "fan_messages": 5, "missed": 200, "hook_messages": 30, "hook_pairs": 1,
         "hook_crowd": [20, 3, 5],
         "look_sizes": [1_000, 10_000], "crowds": [100], "crowd_keys": 20,
         "scale_processes": [1, 2], "scale_desks": 20, "scale_messages": 10,
         "idle": {"processes": 2, "visitors": 200, "clients": 2, "ramp_step": 100, "ramp_limit": 200,
                  "rounds": 1, "messages": 20}}
SECTIONS = ("latency", "startup", "transcripts", "fanout", "webhooks", "visitors")
EXTRA = ("scale", "idle")   # several processes (bench/scale.py, bench/idle.py): only when named;
                            # "scale" runs both, "idle" only the idle visitors


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--smoke", action="store_true", help="a quick run with small numbers (CI)")
    p.add_argument("--only", nargs="+", choices=SECTIONS + EXTRA, default=list(SECTIONS))
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = p.parse_args(argv)
    cfg = SMOKE if args.smoke else FULL
    started = time.perf_counter()
    results: dict = {"mode": "smoke" if args.smoke else "full", "config": cfg, "machine": machine()}

    def step(name: str) -> None:
        print(f"[bench] {name} … ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)

    shared: Server | None = Server().start() if args.smoke else None   # smoke: one server for all

    def server() -> Server:
        return shared or Server().start()

    def done(srv: Server) -> None:
        if srv is not shared:
            srv.stop()
    try:
        if "latency" in args.only or "startup" in args.only:
            srv = server()
            try:
                step(f"setting up {cfg['visitors']} visitors, {cfg['open_chats']} open chats, "
                     f"{cfg['queued']} queued")
                state = latency.setup(srv, cfg["visitors"], cfg["open_chats"], cfg["queued"])
                if "latency" in args.only:
                    step(f"event to screen ({cfg['messages']} messages, {cfg['keys']} keys)")
                    results["latency"] = latency.run(srv, cfg["messages"], cfg["keys"], state=state)
                if "startup" in args.only:
                    step("start-up")
                    results["startup"] = startup.run(srv.url, state["token"], f"Waiting {cfg['open_chats']}",
                                                     cfg["rounds"], warm=cfg["warm"])
            finally:
                done(srv)
        if "transcripts" in args.only:
            srv = server()
            try:
                step(f"transcripts {cfg['sizes']} and {cfg['tabs']} tabs")
                results["transcripts"] = transcripts.run(srv, cfg["sizes"], cfg["tabs"], cfg["tab_messages"])
            finally:
                done(srv)
        if "fanout" in args.only:
            srv = server()
            try:
                step(f"fan-out to {cfg['subscribers']} subscribers")
                results["fanout"] = fanout.run(srv, cfg["subscribers"], cfg["fan_messages"], cfg["missed"])
            finally:
                done(srv)
        if "webhooks" in args.only:       # two servers of its own: without and with a hanging receiver
            step(f"webhooks: {cfg['hook_pairs']} pairs of runs, {cfg['hook_messages']} messages each, "
                 "without and with a hanging receiver")
            hook_visitors, hook_open, hook_queued = cfg["hook_crowd"]
            results["webhooks"] = webhooks.run(cfg["hook_messages"], keys=10, pairs=cfg["hook_pairs"],
                                               visitors=hook_visitors, open_chats=hook_open, queued=hook_queued)
            step("the delivery worker's look against a hanging receiver's backlog")
            results["outbox_look"] = outbox_look.run(cfg["look_sizes"])
        if "visitors" in args.only:       # a server per crowd: visitors stay on its site for an hour
            results["visitors"] = {}
            for crowd in cfg["crowds"]:
                step(f"the Visitors list: {crowd} visitors on the site, {cfg['crowd_keys']} keys")
                srv = Server().start(*visitors.SERVER_ARGS)
                try:
                    results["visitors"][str(crowd)] = visitors.run(srv, crowd, cfg["crowd_keys"])
                finally:
                    srv.stop()
            step(f"the same {max(cfg['crowds'])} rows rebuilt in a DataTable and set in the Line-API list")
            results["visitors_rebuild"] = visitors_rebuild.run(max(cfg["crowds"]))
        if "scale" in args.only:          # servers of its own: 1, 2 and 4 processes on one database
            step(f"scale: {cfg['scale_processes']} processes, {cfg['scale_desks']} desks")
            results["scale"] = scale.run(cfg["scale_processes"], cfg["scale_desks"], cfg["scale_messages"])
        if "scale" in args.only or "idle" in args.only:
            step(f"idle visitors: {cfg['idle']}")
            results["idle"] = idle.run(**cfg["idle"])
    finally:
        if shared is not None:
            shared.stop()
    results["seconds"] = time.perf_counter() - started
    rows = table(results)
    results["table"] = rows
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = args.out / f"{results['mode']}-{stamp}.json"
    text = json.dumps(results, indent=1, default=str)
    path.write_text(text)
    (args.out / f"latest-{results['mode']}.json").write_text(text)
    print_table(rows)
    print(f"\n{results['machine']['cpu']} · {results['machine']['nproc']} cores · "
          f"load average {results['machine']['load_average'][0]:.1f} at start, {os.getloadavg()[0]:.1f} at end · "
          f"python {platform.python_version()} · {results['seconds']:.0f} s · JSON: {os.path.relpath(path)}")
    return 0


def print_table(rows: list[dict]) -> None:
    widths = [max(len(str(r[k])) for r in rows + [{"figure": "figure", "value": "value", "target": "target",
                                                     "ok": "ok?"}]) for k in ("figure", "value", "target", "ok")]
    head = ("figure", "value", "target", "ok?")
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(str(r[k]).ljust(w) for k, w in zip(("figure", "value", "target", "ok"), widths, strict=True)))


if __name__ == "__main__":
    sys.exit(main())
