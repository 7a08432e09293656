"""The import rules (docs/architecture.md) at run time: what a fresh process has loaded once it has
done a layer's work. tests/test_layering.py checks the same rules on the source; this catches what
the source does not show (an import inside a function, a dependency that pulls in another).

- the server app, built: no Textual, no operator client or desk, no HTTP client;
- the simulator, after a short real run against a real server: nothing of the server, the operator
  client or the desk, no FastAPI, SQLAlchemy or Textual;
- the desk at its first frame and once live against a real server: no FastAPI, SQLAlchemy or
  keyring (the desk starts fast and runs without the server extra).

Each check has a self-test that plants a forbidden import and expects the checker to report it.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.support.live_server import LiveServer

SERVER_MUST_NOT_LOAD = ("textual", "chatdesk.client", "chatdesk.tui", "httpx",
                        "websockets.client", "websockets.asyncio.client", "websockets.sync.client")
SIMULATOR_MUST_NOT_LOAD = ("chatdesk.server", "chatdesk.client", "chatdesk.tui", "chatdesk.demo",
                           "fastapi", "starlette", "sqlalchemy", "uvicorn", "textual")
DESK_MUST_NOT_LOAD = ("fastapi", "starlette", "sqlalchemy", "uvicorn", "aiosqlite", "keyring",
                      "chatdesk.server")

# Every script ends its work with report(name): the modules loaded at that point, as one line.
PRELUDE = """
import json, sys

def report(moment):
    print("MODULES " + json.dumps({"moment": moment, "modules": sorted(sys.modules)}), flush=True)
"""

SERVER_APP = """
import importlib, pkgutil, tempfile
from pathlib import Path

import chatdesk.server
from chatdesk.server.app import create_app
from chatdesk.server.config import ServerConfig

# every module of the server package, then the app built as `chatdesk server` builds it
for info in pkgutil.walk_packages(chatdesk.server.__path__, "chatdesk.server."):
    importlib.import_module(info.name)
create_app(ServerConfig(db_path=Path(tempfile.mkdtemp()) / "chat.db"))
report("server app built")
"""

SIMULATOR = """
import asyncio, importlib, pkgutil

import chatdesk.simulator
from chatdesk.simulator.run import simulate

for info in pkgutil.walk_packages(chatdesk.simulator.__path__, "chatdesk.simulator."):
    importlib.import_module(info.name)
summary = asyncio.run(simulate(URL, visitors=1, duration=4, seed=3, pace=0.04))
assert summary.chats_opened >= 1, summary.line()      # it really talked to the server (REST + stream)
report("simulator ran")
"""

DESK = """
import asyncio, tempfile
from pathlib import Path

from chatdesk.tui.frame_rate import use_desk_frame_rate

use_desk_frame_rate()
from chatdesk.tui.app import DeskApp


class FirstFrame(DeskApp):
    def on_mount(self) -> None:          # Textual calls DeskApp.on_mount as well (handlers per class)
        self.call_after_refresh(report, "first frame")


async def main():
    app = FirstFrame(url=URL, token=TOKEN, state_dir=Path(tempfile.mkdtemp()))
    async with app.run_test(size=(120, 34)) as pilot:
        for _ in range(300):                     # up to 30 s for the session to be live
            if app.session.store.me is not None:
                break
            await asyncio.sleep(0.1)
        assert app.session.store.me is not None, "the desk did not go live"
        await pilot.pause()
        report("desk live")

asyncio.run(main())
"""


def loaded_by(script: str, plant: str = "", **names: str) -> dict[str, list[str]]:
    """Run `script` in a fresh interpreter (after `plant`, an import a self-test adds) with `names`
    defined as strings; return the modules it had loaded at each report()."""
    code = PRELUDE + "".join(f"{key} = {value!r}\n" for key, value in names.items())
    code += textwrap.dedent(plant) + "\n" + script
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-3000:]
    reports = [json.loads(line.removeprefix("MODULES ")) for line in done.stdout.splitlines()
               if line.startswith("MODULES ")]
    assert reports, f"the script never reported: {done.stdout[-2000:]}"
    return {r["moment"]: r["modules"] for r in reports}


def violations(modules: list[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == f or m.startswith(f + ".") for f in forbidden))


def check(reports: dict[str, list[str]], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    """Forbidden modules loaded at each moment (empty lists when all is well)."""
    return {moment: violations(modules, forbidden) for moment, modules in reports.items()}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    srv = LiveServer(tmp_path_factory.mktemp("imports") / "chat.db").start()
    yield srv
    srv.stop()


def test_the_server_app_loads_no_desk_client_or_http_client():
    assert check(loaded_by(SERVER_APP), SERVER_MUST_NOT_LOAD) == {"server app built": []}


def test_server_checker_catches_a_planted_import():
    found = check(loaded_by(SERVER_APP, plant="import httpx"), SERVER_MUST_NOT_LOAD)["server app built"]
    assert "httpx" in found


def test_the_simulator_loads_only_protocol_httpx_and_websockets(live):
    reports = loaded_by(SIMULATOR, URL=live.url)
    assert "websockets.asyncio.client" in reports["simulator ran"]     # the stream really ran
    assert check(reports, SIMULATOR_MUST_NOT_LOAD) == {"simulator ran": []}


def test_simulator_checker_catches_a_planted_import(live):
    found = check(loaded_by(SIMULATOR, plant="import chatdesk.client.api", URL=live.url),
                  SIMULATOR_MUST_NOT_LOAD)["simulator ran"]
    assert "chatdesk.client.api" in found


def test_the_desk_first_frame_loads_no_server_or_keyring(live):
    reports = loaded_by(DESK, URL=live.url, TOKEN=live.operator("imports-desk@example.com"))
    assert set(reports) == {"first frame", "desk live"}
    assert "textual.app" in reports["first frame"]
    assert check(reports, DESK_MUST_NOT_LOAD) == {"first frame": [], "desk live": []}


def test_desk_checker_catches_a_planted_import(live):
    """The plant comes in with the desk (an import at start-up), as a careless one would."""
    plant = """
    import chatdesk.tui.app
    import keyring
    """
    reports = loaded_by(DESK, plant=plant, URL=live.url, TOKEN=live.operator("imports-plant@example.com"))
    found = check(reports, DESK_MUST_NOT_LOAD)
    assert "keyring" in found["first frame"] and "keyring" in found["desk live"]
