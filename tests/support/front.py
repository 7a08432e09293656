"""A real front proxy (Debian's package) on loopback in front of the given server ports, in the
foreground as a child process: what haproxy.py and nginx.py share. A subclass names its binary,
writes its config from the shipped one and says how to check and run it; this finds the binary,
checks the config, starts the proxy, waits until it listens and stops it."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Self

from chatdesk.demo.local_server import free_port


@dataclass
class FrontProxy:
    folder: Path
    backend_ports: list[int]
    port: int = 0
    proc: subprocess.Popen | None = None

    NAME: ClassVar[str] = ""            # the Debian package and its binary
    OUTPUT: ClassVar[str] = ""          # the file in `folder` taking the proxy's stdout and stderr

    @classmethod
    def binary(cls) -> str | None:
        return shutil.which(cls.NAME) or next((p for p in (f"/usr/sbin/{cls.NAME}",) if Path(p).exists()), None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def configure(self, binary: str) -> tuple[list[str], list[str]]:
        """Writes the config for self.port and self.backend_ports; returns the command that checks
        it and the command that runs the proxy in the foreground."""
        raise NotImplementedError

    def log(self) -> str:
        """What the proxy said: shown when it fails to start."""
        path = self.folder / self.OUTPUT
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self, timeout: float = 30.0) -> Self:
        binary = self.binary()
        assert binary, f"{self.NAME} is not installed (apt-get install {self.NAME}; .ci/run installs it)"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        check_cmd, run_cmd = self.configure(binary)
        check = subprocess.run(check_cmd, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        with open(self.folder / self.OUTPUT, "ab") as out:
            self.proc = subprocess.Popen(run_cmd, stdout=out, stderr=subprocess.STDOUT)
        self.wait_listening(timeout)
        return self

    def wait_listening(self, timeout: float) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"{self.NAME} did not listen on {self.port} within {timeout}s")

    def stop(self) -> None:
        """SIGTERM (a fast shutdown for both), then SIGKILL after 10 s."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
