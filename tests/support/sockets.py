"""Raw TCP connections for the connection-cap tests: half-open ones (connected, nothing sent) from
any loopback source address (Linux routes all of 127/8 to lo), and which of them the server closed."""
from __future__ import annotations

import socket
import time


def half_open(port: int, sources: list[str], per_source: int) -> list[socket.socket]:
    """`per_source` connections from each source address to 127.0.0.1:port, sending nothing."""
    socks = []
    for source in sources:
        for _ in range(per_source):
            s = socket.socket()
            s.bind((source, 0))
            s.settimeout(10)
            s.connect(("127.0.0.1", port))
            s.setblocking(False)
            socks.append(s)
    return socks


def closed_by_server(socks: list[socket.socket]) -> int:
    """How many the server has closed (EOF, reset or its fixed 503 answer)."""
    closed = 0
    for s in socks:
        try:
            data = s.recv(4096)
        except BlockingIOError:
            continue
        except OSError:
            closed += 1
            continue
        if data == b"" or data.startswith(b"HTTP/1.1 503"):
            closed += 1
    return closed


def wait_closed(socks: list[socket.socket], want: int, timeout: float) -> int:
    """Waits until at least `want` are closed by the server (or the timeout); returns the count."""
    deadline = time.monotonic() + timeout
    seen: set[int] = set()
    while True:
        for i, s in enumerate(socks):
            if i not in seen and closed_by_server([s]):
                seen.add(i)
        if len(seen) >= want or time.monotonic() > deadline:
            return len(seen)
        time.sleep(0.05)


def close_all(socks: list[socket.socket]) -> None:
    for s in socks:
        s.close()
