"""The benchmark runner works end to end: `python -m bench --smoke` runs against the real server
and the real desk, prints its table and writes its JSON. Times are printed, never asserted."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ("event->screen p99", "key->screen p99", "start-up ratio", "first paint", "RSS, 3 tabs",
           "deliveries/s", "resume after", "Visitors list key->screen p99", "DataTable rebuilt")


@pytest.mark.timeout(600)
def test_smoke_run_prints_its_table_and_writes_json(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--out", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=580)
    assert proc.returncode == 0, proc.stderr[-3000:]
    print(proc.stdout)                           # the figures, for whoever reads the CI log
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:4] == ["figure", "value", "target", "ok?"]
    for figure in FIGURES:
        assert any(figure in line for line in lines), f"no {figure!r} row in:\n{proc.stdout}"
    written = list(tmp_path.glob("smoke-*.json"))
    assert len(written) == 1
    results = json.loads(written[0].read_text())
    assert results["mode"] == "smoke"
    assert results["machine"]["nproc"] >= 1
    assert results["table"] and all(any(line.startswith(row["figure"]) for line in lines)
                                    for row in results["table"])      # the JSON has the printed rows
    lat = results["latency"]
    assert lat["messages_seen"] > 0 and lat["keys"] > 0          # the desk really showed them
    assert results["fanout"]["resume"]["replayed"] == results["config"]["missed"]
    for crowd in results["visitors"].values():                   # the list held the crowd, keys drawn
        assert crowd["rows"] == crowd["crowd"] and crowd["keys"] > 0 and crowd["rest_loads"] == 1
    for rd in results["fanout"]["rounds"].values():
        assert rd["chatdesk"]["deliveries"] == rd["chatdesk"]["expected"]
        assert rd["bare"]["deliveries"] == rd["bare"]["expected"]
