"""How wide real terminals draw text: pyte's and tmux's cursor advance, and the cell column of each
character in a line tmux captured.

- pyte: its Stream is fed one character at a time (`Screen.draw` stops at the first zero-width
  character that has no canonical combining class and leaves the rest of the chunk unwritten: a
  pyte limitation, not a terminal's; fed one by one, each such character is skipped as pyte means).
- tmux: a private tmux server (its own socket) with one wide pane running `sleep`; text is written
  straight to the pane's tty, a title change after it says tmux has parsed it, and the pane's
  cursor column is the advance. tmux measures each character with the C library's wcwidth (it is
  built without utf8proc here) and joins zero-width ones into the cell before, so `libc_width`
  gives the column of every character in a captured line as tmux laid it out.
"""
from __future__ import annotations

import ctypes
import functools
import locale
import os
import shutil
import subprocess
import time
import uuid

import pyte

from tests.support.terminal import Terminal


def pyte_advance(text: str, columns: int = 4000) -> int:
    screen = pyte.Screen(columns, 2)
    stream = pyte.Stream(screen)
    for ch in text:
        stream.feed(ch)
    return screen.cursor.x


class TmuxPane:
    """One tmux pane of `columns` x 3 cells on a private server; `advance(text)` is how far its
    cursor moves when `text` is written at the start of a cleared screen."""

    def __init__(self, columns: int = 2200) -> None:
        if not shutil.which("tmux"):
            raise RuntimeError("tmux is not installed (apt-get install tmux)")
        self.columns = columns
        self.socket = f"chatdesk-widths-{uuid.uuid4().hex[:8]}"
        self._tmux("new-session", "-d", "-s", "w", "-x", str(columns), "-y", "3", "sleep 600")
        self.tty = self._tmux("display-message", "-p", "-t", "w", "#{pane_tty}").strip()
        self._fd = os.open(self.tty, os.O_WRONLY | os.O_NOCTTY)
        self._count = 0

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, text=True,
                              capture_output=True, env={**os.environ, "LC_ALL": "C.UTF-8"}).stdout

    def advance(self, text: str, timeout: float = 10.0) -> int:
        self._count += 1
        done = f"done{self._count}"
        os.write(self._fd, ("\x1b[H\x1b[2J" + text + f"\x1b]2;{done}\x07").encode())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            title, _, x = self._tmux("display-message", "-p", "-t", "w", "#{pane_title} #{cursor_x}").rpartition(" ")
            if title == done:
                return int(x)
            time.sleep(0.002)
        raise AssertionError(f"tmux did not draw the text within {timeout}s")

    def close(self) -> None:
        os.close(self._fd)
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


class PrivateTerminal(Terminal):
    """tests/support/terminal.py's Terminal on a tmux server of its own (no other client on the
    machine's shared server can resize its window: tmux sizes a window to its latest client), with
    COLUMNS and LINES set to its size: under pytest the process environment holds COLUMNS=80 and
    LINES=24 (not in os.environ, but children inherit them), and a program that asks
    shutil.get_terminal_size, as Textual does, would take them over the pane's real size."""

    def __init__(self, command: list[str], env: dict[str, str], size: tuple[int, int] = (120, 34)) -> None:
        self.socket = f"chatdesk-e2e-{uuid.uuid4().hex[:8]}"
        super().__init__(command, {**env, "COLUMNS": str(size[0]), "LINES": str(size[1])}, size)

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, text=True, capture_output=True).stdout

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


_libc = ctypes.CDLL(None)
_libc.wcwidth.argtypes = [ctypes.c_wchar]
_libc.wcwidth.restype = ctypes.c_int


@functools.cache
def _utf8_ctype() -> None:
    current = (locale.setlocale(locale.LC_CTYPE) or "").upper().replace("-", "")
    if "UTF8" not in current:
        locale.setlocale(locale.LC_CTYPE, "C.UTF-8")


def libc_width(ch: str) -> int:
    """The C library's wcwidth, as tmux calls it (in a UTF-8 locale): -1 (not printable) counts 0."""
    _utf8_ctype()
    return max(_libc.wcwidth(ch), 0)


def cell_columns(line: str) -> list[int]:
    """The cell column each character of a captured line starts at, as tmux laid them out."""
    cols, x = [], 0
    for ch in line:
        cols.append(x)
        x += libc_width(ch)
    return cols
