"""A chat server started on this machine: a free loopback port for it, and waiting until it answers
its health check. Shared by the demo, the tests and the benchmarks."""
from __future__ import annotations

import socket
import subprocess
import time

from chatdesk.protocol.limits import API_PREFIX

HEALTH_PATH = f"{API_PREFIX}/health"


class NotHealthy(RuntimeError):
    """The server never answered its health check: it exited (`returncode` set) or timed out."""

    def __init__(self, message: str, returncode: int | None = None) -> None:
        super().__init__(message)
        self.returncode = returncode


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def health_url(base_url: str) -> str:
    return f"{base_url}{HEALTH_PATH}"


def wait_until_healthy(url: str, timeout: float = 30.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    """Poll `url` until it answers 200. Raises NotHealthy when `proc` (the server's process, if
    given) exits first or when `timeout` seconds pass."""
    # only when a server is started: the desk never imports this module
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise NotHealthy(f"{url}: the process exited with {proc.returncode}", proc.returncode)
        try:
            if httpx.get(url, timeout=0.5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise NotHealthy(f"{url} did not answer within {timeout:.0f} s")
