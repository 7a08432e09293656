"""A real HAProxy (Debian's package) on loopback in front of the given server ports, in the
foreground as a child process (front.py), with the config shipped in deploy/haproxy.cfg (only the
addresses and the health-check pace changed)."""
from __future__ import annotations

import re
from pathlib import Path

from .front import FrontProxy

SHIPPED = Path(__file__).resolve().parents[2] / "deploy" / "haproxy.cfg"


def config_for(front_port: int, backend_ports: list[int], check_every: str = "500ms") -> str:
    text = SHIPPED.read_text()
    text = re.sub(r"bind 127\.0\.0\.1:\d+", f"bind 127.0.0.1:{front_port}", text)
    text = re.sub(r"^    server .*\n", "", text, flags=re.M)
    text = text.replace("inter 1s", f"inter {check_every}")
    text = re.sub(r"maxconn \d+", "maxconn 4000", text)     # within a test's open-file limit
    servers = "".join(f"    server p{i + 1} 127.0.0.1:{port} check\n" for i, port in enumerate(backend_ports))
    return text.rstrip("\n") + "\n" + servers


class HAProxy(FrontProxy):
    NAME = "haproxy"
    OUTPUT = "haproxy.log"

    def configure(self, binary: str) -> tuple[list[str], list[str]]:
        cfg = self.folder / "haproxy.cfg"
        cfg.write_text(config_for(self.port, self.backend_ports))
        return [binary, "-c", "-f", str(cfg)], [binary, "-db", "-f", str(cfg)]
