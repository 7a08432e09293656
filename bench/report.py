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
        none, hang = wh["none"], wh["hanging"]
        rows.append(_row("webhooks: event->screen p50/p99 (mean of 2 runs), no receiver",
                         f"{_ms(none['e2e_ms']['p50'])} / {_ms(none['e2e_ms']['p99'])}"))
        same = hang["e2e_ms"]["p99"] <= max(50.0, 1.5 * none["e2e_ms"]["p99"])
        rows.append(_row("webhooks: event->screen p50/p99 (mean of 2 runs), a receiver that hangs",
                         f"{_ms(hang['e2e_ms']['p50'])} / {_ms(hang['e2e_ms']['p99'])}",
                         "p99 <= max(50 ms, 1.5x)", same and hang["messages_seen"] == hang["messages_sent"]))
        ob = hang["outbox"]
        rows.append(_row("  the hanging receiver's outbox: pending / attempts timed out",
                         f"{ob['pending']} / {ob['attempts_timed_out']}"))
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
    if r.get("scale"):
        from bench.scale import rows as scale_rows
        rows.extend(scale_rows(r["scale"], _row))
    return rows
