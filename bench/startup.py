"""2. Start-up: the real `chatdesk` command on a pseudo-terminal until the live desk shows the
queue, against a bare Textual app showing one label, alternating in the same run."""
from __future__ import annotations

import os
import pty
import select
import signal
import struct
import subprocess
import sys
import tempfile
import time

from bench.common import ROOT, child_env

BARE = """
from textual.app import App
from textual.widgets import Label
class Bare(App):
    def compose(self):
        yield Label("bare-app-ready")
Bare().run()
"""


def time_to_text(cmd: list[str], needle: bytes, env: dict, timeout: float = 30.0) -> tuple[float, float]:
    """Seconds from spawning cmd on a 120x34 pty until needle appears in what it writes, and
    until its first byte (imports done, the app has started its driver)."""
    import fcntl
    import termios
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 34, 120, 0, 0))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                            env={**env, "TERM": "xterm-256color"}, start_new_session=True)
    os.close(slave)
    out = bytearray()
    first = None
    try:
        while time.perf_counter() - t0 < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    out += os.read(master, 65536)
                except OSError:
                    break
                if first is None:
                    first = time.perf_counter() - t0
                if needle in out:
                    return time.perf_counter() - t0, first
            elif proc.poll() is not None:
                break
        raise RuntimeError(f"{needle!r} did not appear; last output: {bytes(out[-500:])!r}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        os.close(master)


def compile_own_modules() -> float:
    """Bytecode for chatdesk's own modules, as any install has after its first run. uv compiles
    the dependencies (`compile-bytecode` in pyproject.toml) but not the editable project, and a
    machine with PYTHONDONTWRITEBYTECODE set (this one) never writes it: each start would
    compile all of chatdesk again (~50 ms here). Returns the seconds it took."""
    import compileall
    t0 = time.perf_counter()
    compileall.compile_dir(str(ROOT / "src" / "chatdesk"), quiet=1)
    return time.perf_counter() - t0


def run(url: str, token: str, queued_name: str, rounds: int, warm: bool = True) -> dict:
    home = tempfile.mkdtemp(prefix="chatdesk-bench-home-")
    compiled_s = compile_own_modules()
    env = child_env(CHATDESK_TOKEN=token, CHATDESK_CONFIG_DIR=os.path.join(home, "config"),
                    XDG_STATE_HOME=os.path.join(home, "state"), XDG_CONFIG_HOME=os.path.join(home, "cfg"))
    chatdesk = [sys.executable, "-m", "chatdesk", "--url", url]
    bare = [sys.executable, "-c", BARE]
    desk_times, bare_times, desk_first = [], [], []
    if warm:                                               # the file cache, for both
        time_to_text(bare, b"bare-app-ready", env)
        time_to_text(chatdesk, queued_name.encode(), env)
    for _ in range(rounds):
        bare_times.append(time_to_text(bare, b"bare-app-ready", env)[0])
        shown, first = time_to_text(chatdesk, queued_name.encode(), env)
        desk_times.append(shown)
        desk_first.append(first)
    desk, base = sorted(desk_times)[len(desk_times) // 2], sorted(bare_times)[len(bare_times) // 2]
    return {"desk_s": desk, "bare_s": base, "ratio": desk / base, "desk_all_s": desk_times,
            "compiled_own_modules_s": compiled_s,
            "desk_first_output_s": sorted(desk_first)[len(desk_first) // 2],
            "bare_all_s": bare_times}
