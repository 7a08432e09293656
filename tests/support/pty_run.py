"""Run a program on a real pseudo-terminal and keep every byte it writes to it."""
from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import threading
import time


class PtyProgram:
    def __init__(self, command: list[str], env: dict[str, str], size: tuple[int, int] = (120, 34)) -> None:
        self.master, slave = pty.openpty()
        cols, rows = size
        self.size = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        # Without COLUMNS and LINES: a pytest-xdist worker's environment holds COLUMNS=80 and
        # LINES=24, and a program that asks shutil.get_terminal_size (Textual does) would take
        # them over the pty's real size.
        inherited = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        self.proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                                     env={**inherited, "TERM": "xterm-256color", **env},
                                     start_new_session=True)
        os.close(slave)
        self.output = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.1)
                if ready:
                    chunk = os.read(self.master, 65536)
                    if not chunk:
                        return
                    with self._lock:
                        self.output += chunk
                elif self.proc.poll() is not None:
                    return
            except OSError:
                return

    def written(self) -> bytes:
        with self._lock:
            return bytes(self.output)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def expect(self, needle: bytes, timeout: float = 20.0, start: int = 0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            at = self.written().find(needle, start)
            if at >= 0:
                return at
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} never reached the terminal within {timeout}s; the screen:\n{self.screen()}")

    def screen(self) -> str:
        """What a terminal shows after every byte written so far (pyte plays them on a screen of
        this size)."""
        import pyte
        cols, rows = self.size
        screen = pyte.Screen(cols, rows)
        pyte.ByteStream(screen).feed(self.written())
        return "\n".join(line.rstrip() for line in screen.display)

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._reader.join(2)
        os.close(self.master)
