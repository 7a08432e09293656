"""An operator installs only the desk (`pip install chatdesk`); the chat server is the `server` extra.
Without it, the server's commands say how to get it and exit non-zero instead of a traceback, and
the desk's and the simulator's commands still run. Each case runs the real `chatdesk` command in a
subprocess in which the extra's packages cannot be found, as if they were not installed."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# The extra's top-level packages (pyproject.toml, [project.optional-dependencies] server).
EXTRA = ("fastapi", "uvicorn", "sqlalchemy", "aiosqlite")

# Runs `python -m chatdesk ARGS` with every import finder blind to EXTRA: find_spec answers None
# for them, exactly as for a package that is not installed.
WITHOUT_EXTRA = f"""
import runpy, sys

BLOCKED = {EXTRA!r}

class NotInstalled:
    def __init__(self, finder):
        self.finder = finder

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            return None
        find = getattr(self.finder, "find_spec", None)
        return find(name, path, target) if find else None

    def __getattr__(self, attr):
        return getattr(self.finder, attr)

sys.meta_path[:] = [NotInstalled(f) for f in sys.meta_path]
for name in list(sys.modules):
    if name.split(".")[0] in BLOCKED:
        del sys.modules[name]
mode, *args = sys.argv[1:]
if mode == "import":
    for name in args:
        __import__(name)
else:
    sys.argv = ["chatdesk", *args]
    runpy.run_module("chatdesk", run_name="__main__", alter_sys=True)
"""

HINT = "pip install 'chatdesk[server]'"


def without_extra(tmp_path: Path, mode: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHATDESK_")}
    env["CHATDESK_CONFIG_DIR"] = str(tmp_path / "config")
    return subprocess.run([sys.executable, "-c", WITHOUT_EXTRA, mode, *args], input=stdin, text=True,
                          capture_output=True, env=env, cwd=tmp_path, timeout=60)


@pytest.mark.parametrize("args", [
    ("server", "--db", "chat.db"),
    ("user", "add", "ann@example.com", "--db", "chat.db", "--name", "Ann", "--password-stdin"),
    ("demo",),
], ids=["server", "user-add", "demo"])
def test_server_commands_without_the_extra_say_how_to_get_it(tmp_path, args):
    done = without_extra(tmp_path, "run", *args, stdin="secret-pass-1\n")
    assert done.returncode != 0
    assert HINT in done.stderr and "uv tool install 'chatdesk[server]'" in done.stderr
    assert "fastapi" in done.stderr                          # which packages are missing
    assert "Traceback" not in done.stderr, done.stderr
    assert not (tmp_path / "chat.db").exists()               # refused before doing anything


def test_the_desk_and_the_simulator_run_without_the_extra(tmp_path):
    desk = without_extra(tmp_path, "run")                     # no server configured: a sentence
    assert desk.returncode == 2 and "No chat server given" in desk.stderr, desk.stderr
    sim = without_extra(tmp_path, "run", "simulate", "--url", "http://example.com:8765")
    assert sim.returncode == 2 and "only talks to a server on this machine" in sim.stderr, sim.stderr
    for done in (desk, sim):
        assert "Traceback" not in done.stderr and HINT not in done.stderr


def test_the_blocker_really_hides_the_extra(tmp_path):
    """Self-test: under the blocker the server cannot be imported (so the cases above would show a
    traceback if the command did not check first), while the desk's packages still import."""
    server = without_extra(tmp_path, "import", "chatdesk.server.app")
    assert server.returncode != 0
    assert "Traceback" in server.stderr and "No module named 'fastapi'" in server.stderr
    desk = without_extra(tmp_path, "import", "chatdesk.tui.app", "chatdesk.client.api", "chatdesk.simulator.run")
    assert desk.returncode == 0, desk.stderr
    assert without_extra(tmp_path, "import", "textual", "httpx").returncode == 0
