"""A real HAProxy (Debian's package) on loopback in front of the given server ports, in the
foreground as a child process, with the config shipped in deploy/haproxy.cfg (only the addresses
and the health-check pace changed)."""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from chatdesk.demo.local_server import free_port

SHIPPED = Path(__file__).resolve().parents[2] / "deploy" / "haproxy.cfg"


def haproxy_binary() -> str | None:
    return shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy",) if Path(p).exists()), None)


def config_for(front_port: int, backend_ports: list[int], check_every: str = "500ms") -> str:
    text = SHIPPED.read_text()
    text = re.sub(r"bind 127\.0\.0\.1:\d+", f"bind 127.0.0.1:{front_port}", text)
    text = re.sub(r"^    server .*\n", "", text, flags=re.M)
    text = text.replace("inter 1s", f"inter {check_every}")
    text = re.sub(r"maxconn \d+", "maxconn 4000", text)     # within a test's open-file limit
    servers = "".join(f"    server p{i + 1} 127.0.0.1:{port} check\n" for i, port in enumerate(backend_ports))
    return text.rstrip("\n") + "\n" + servers


@dataclass
class HAProxy:
    folder: Path
    backend_ports: list[int]
    port: int = 0
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> "HAProxy":
        binary = haproxy_binary()
        assert binary, "haproxy is not installed (apt-get install haproxy; .ci/run installs it)"
        self.port = self.port or free_port()
        cfg = self.folder / "haproxy.cfg"
        cfg.write_text(config_for(self.port, self.backend_ports))
        check = subprocess.run([binary, "-c", "-f", str(cfg)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        log = open(self.folder / "haproxy.log", "ab")
        self.proc = subprocess.Popen([binary, "-db", "-f", str(cfg)], stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, (self.folder / "haproxy.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"haproxy did not listen on {self.port} within {timeout}s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
