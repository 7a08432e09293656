"""The one table: figure, value, target, ok? (ok is "yes", "NO" or "" when there is no target)."""
from __future__ import annotations

import os
import platform


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {"cpu": cpu, "nproc": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)),
            "python": platform.python_version(), "platform": platform.platform(),
            "load_average": os.getloadavg()}


def _row(figure: str, value: str, target: str = "", ok: bool | None = None) -> dict:
    return {"figure": figure, "value": value, "target": target,
            "ok": "" if ok is None else ("yes" if ok else "NO")}


def _ms(x: float | None) -> str:
    return "n/a" if x is None or x != x else f"{x:.0f} ms" if x >= 10 else f"{x:.1f} ms"


def table(r: dict) -> list[dict]:
    rows: list[dict] = []
    lat = r.get("latency")
    if lat:
        seen = f"{lat['messages_seen']}/{lat['messages_sent']} msgs"
        rows.append(_row(f"event->screen p50 ({seen})", _ms(lat["e2e_ms"]["p50"])))
        rows.append(_row("event->screen p99", _ms(lat["e2e_ms"]["p99"]), "<= 50 ms",
                         lat["e2e_ms"]["p99"] <= 50 and lat["messages_seen"] == lat["messages_sent"]))
        for part, name in (("server_ms", "server (POST->event written)"),
                           ("wire_ms", "stream (written->desk store)"), ("desk_ms", "desk (store->frame)")):
            rows.append(_row(f"  of which {name} p50/p99",
                             f"{_ms(lat[part]['p50'])} / {_ms(lat[part]['p99'])}"))
        rows.append(_row(f"key->screen p50 ({lat['keys']} keys, {lat['keys_missed']} missed)",
                         _ms(lat["keys_ms"]["p50"])))
        rows.append(_row("key->screen p99", _ms(lat["keys_ms"]["p99"]), "<= 50 ms",
                         lat["keys_ms"]["p99"] <= 50 and not lat["keys_missed"]))
        rows.append(_row("desk frames/s under load", f"{lat['frames_per_s']:.1f}"))
        rows.append(_row("CPU under load, share of one core: desk / server",
                         f"{lat['desk_cpu_share'] * 100:.0f} % / {lat['server_cpu_share'] * 100:.0f} %"))
    st = r.get("startup")
    if st:
        rows.append(_row("start-up: chatdesk until queue shown", f"{st['desk_s']:.2f} s"))
        rows.append(_row("  of which until its first output", f"{st['desk_first_output_s']:.2f} s"))
        rows.append(_row("start-up: bare Textual label", f"{st['bare_s']:.2f} s"))
        rows.append(_row("start-up ratio", f"{st['ratio']:.1f}x", "<= 2x", st["ratio"] <= 2))
    wh = r.get("webhooks")
    if wh:
        for i, run in enumerate(wh["runs"]):
            load = " -> ".join(f"{x:.1f}" for x in run["load_average"])
            rows.append(_row(f"webhooks run {i + 1} ({run['mode']}): event->screen p50/p99, load, server CPU",
                             f"{_ms(run['e2e_ms']['p50'])} / {_ms(run['e2e_ms']['p99'])}, load {load}, "
                             f"{run['server_cpu_s']:.1f} s"))
        v = wh["verdict"]
        cpu = v["server_cpu_s"]
        rows.append(_row("webhooks: server CPU seconds per run, none / hanging",
                         f"{cpu.get('none', float('nan')):.1f} / {cpu.get('hanging', float('nan')):.1f}"))
        all_seen = all(run["messages_seen"] == run["messages_sent"] for run in wh["runs"])
        if "unchanged" in v:
            rows.append(_row(f"webhooks: hanging/none p99, median of {v['calm_pairs']} calm pairs of {v['pairs']}",
                             f"{v['median_ratio']:.2f}x", "<= 1.5x (or p99 <= 50 ms)", v["unchanged"] and all_seen))
        else:
            rows.append(_row("webhooks: hanging/none p99", "not judged: the machine was busy in every pair",
                             "<= 1.5x", None))
        rows.append(_row(f"  hanging/none p99, median of all {v['pairs']} pairs (indicative when busy)",
                         f"{v['median_ratio_all']:.2f}x"))
        hanging = [run for run in wh["runs"] if run["mode"] == "hanging"]
        if hanging:
            ob = hanging[-1]["outbox"]
            rows.append(_row("  the hanging receiver's outbox: pending / attempts timed out",
                             f"{ob['pending']} / {ob['attempts_timed_out']}"))
    look = r.get("outbox_look")
    if look:
        sizes = sorted(look, key=int)
        flat = look[sizes[-1]] <= 3 * look[sizes[0]] + 1.0
        rows.append(_row(f"outbox look with {' / '.join(f'{int(n):,}' for n in sizes)} waiting for a hanging receiver",
                         " / ".join(_ms(look[n]) for n in sizes), "flat (largest <= 3x smallest + 1 ms)", flat))
    tr = r.get("transcripts")
    if tr:
        prev = None
        for n, s in tr["scale"].items():
            n = int(n)
            grow = f", x{s['open_s'] / prev:.1f} per 10x" if prev else ""
            target, ok = ("<= 300 ms", s["open_s"] <= 0.3) if n == 10_000 else ("", None)
            rows.append(_row(f"open {n:,}-msg chat: first paint", f"{s['open_s'] * 1000:.0f} ms{grow}", target, ok))
            rows.append(_row(f"open {n:,}-msg chat: REST part / RSS +",
                             f"{s['rest_get_s'] * 1000:.0f} ms / +{s['rss_growth_mb']:.1f} MB"))
            prev = s["open_s"]
        t = tr.get("tabs")
        if t:
            per_tab = t.get("seeded_per_tab", t["messages"] // max(1, t["tabs"]))
            full = t["tabs"] >= 30 and per_tab >= 1000
            rows.append(_row(f"RSS, {t['tabs']} tabs x {per_tab:,} msgs (newest "
                             f"{t['messages'] // max(1, t['tabs']):,} loaded)", f"{t['rss_mb']:.0f} MB",
                             "<= 120 MB" if full else "", (t["rss_mb"] <= 120) if full else None))
            if "rss_all_mb" in t:
                rows.append(_row(f"  the same, all {t['messages_all']:,} msgs loaded (scrolled up)",
                                 f"{t['rss_all_mb']:.0f} MB"))
            rows.append(_row("tab switch p50 / max", f"{t['tab_switch_p50_s'] * 1000:.0f} / "
                                                     f"{t['tab_switch_max_s'] * 1000:.0f} ms"))
    fo = r.get("fanout")
    if fo:
        for n, rd in fo["rounds"].items():
            c, b = rd["chatdesk"], rd["bare"]
            rows.append(_row(f"fan-out {n} subs: deliveries/s (bare)",
                             f"{c['per_s']:,.0f} ({b['per_s']:,.0f})"))
            rows.append(_row(f"fan-out {n} subs: p99 (bare)", f"{_ms(c['p99_ms'])} ({_ms(b['p99_ms'])})"))
            rows.append(_row(f"fan-out {n} subs: ratio", f"{rd['ratio'] * 100:.0f} %", ">= 50 %",
                             rd["ratio"] >= 0.5))
        res = fo["resume"]
        rows.append(_row(f"resume after {res['missed']} missed events",
                         f"{res['seconds'] * 1000:.0f} ms ({res['replayed']} replayed)"))
    vis = r.get("visitors")
    for crowd, v in (vis or {}).items():
        full = int(crowd) >= 2000
        k = v["keys_ms"]
        rows.append(_row(f"Visitors list key->screen p50 ({crowd} on the site, {v['frames_applied']} frames, "
                         f"{v['keys']} keys, {v['keys_missed']} missed)", _ms(k["p50"])))
        rows.append(_row(f"Visitors list key->screen p99 ({crowd} on the site)", _ms(k["p99"]),
                         "<= 50 ms" if full else "", (k["p99"] <= 50 and not v["keys_missed"]) if full else None))
        rows.append(_row("  desk CPU time per key p50/p99", f"{_ms(v['key_cpu_ms']['p50'])} / "
                                                              f"{_ms(v['key_cpu_ms']['p99'])}"))
        rows.append(_row("  first load of the list (REST pages + first paint)", _ms(v["first_load_ms"])))
    rb = r.get("visitors_rebuild")
    if rb:
        rows.append(_row(f"{rb['crowd']} rows to a written frame: DataTable rebuilt / Line-API list, p50",
                         f"{_ms(rb['datatable_ms']['p50'])} / {_ms(rb['line_api_ms']['p50'])}"))
    if r.get("scale"):
        from bench.scale import rows as scale_rows
        rows.extend(scale_rows(r["scale"], _row))
    if r.get("idle") and not r["idle"].get("skipped"):
        from bench.idle import rows as idle_rows
        rows.extend(idle_rows(r["idle"], _row))
    return rows
