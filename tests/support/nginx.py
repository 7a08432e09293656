"""A real nginx (Debian's package) on loopback in front of the given server ports, in the
foreground as a child process (front.py), run as a throwaway: its own prefix, pid file, temporary
paths and error log in the test's folder. The http-level part is deploy/nginx.conf itself, read here and
changed only in its addresses (the listen port, one `server` line per backend with the shipped
line's parameters); the wrapper adds what /etc/nginx/nginx.conf gives it on a real host."""
from __future__ import annotations

import os
import pwd
import re
from pathlib import Path

from .front import FrontProxy

SHIPPED = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def site_for(front_port: int, backend_ports: list[int]) -> str:
    """deploy/nginx.conf with this test's addresses: nothing else changes."""
    text = SHIPPED.read_text()
    text, listens = re.subn(r"listen 127\.0\.0\.1:\d+;", f"listen 127.0.0.1:{front_port};", text)
    servers = re.findall(r"^(\s*)server 127\.0\.0\.1:\d+( [^;]*)?;\n", text, flags=re.M)
    assert listens == 1 and servers, "deploy/nginx.conf no longer has the listen and server lines this reads"
    indent, params = servers[0]
    lines = "".join(f"{indent}server 127.0.0.1:{port}{params};\n" for port in backend_ports)
    text = re.sub(r"^\s*server 127\.0\.0\.1:\d+( [^;]*)?;\n", "", text, flags=re.M)
    return re.sub(r"(upstream chatdesk \{\n)", lambda m: m.group(1) + lines, text, count=1)


def main_config(folder: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf provides around conf.d/, with every path in `folder`."""
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    temps = "".join(f"    {name}_temp_path {folder / ('temp-' + name)};\n" for name in TEMP_PATHS)
    return (f"{user}worker_processes 1;\ndaemon off;\npid {folder / 'nginx.pid'};\n"
            f"error_log {folder / 'nginx-error.log'} info;\n"
            "events { worker_connections 1024; }\n"
            f"http {{\n    access_log {folder / 'nginx-access.log'};\n{temps}    include {site};\n}}\n")


class Nginx(FrontProxy):
    NAME = "nginx"
    OUTPUT = "nginx-stdout.log"

    def log(self) -> str:
        path = self.folder / "nginx-error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def configure(self, binary: str) -> tuple[list[str], list[str]]:
        site = self.folder / "chatdesk.conf"
        site.write_text(site_for(self.port, self.backend_ports))
        conf = self.folder / "nginx.conf"
        conf.write_text(main_config(self.folder, site))
        argv = [binary, "-p", str(self.folder), "-e", str(self.folder / "nginx-error.log"), "-c", str(conf)]
        return [*argv, "-t"], argv


def established_to(port: int) -> int:
    """Established TCP connections whose local end is `port` (a server's side of its clients),
    from the kernel's table: which server process holds a proxied websocket."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                count += 1
    return count
