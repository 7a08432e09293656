"""A real terminal for end-to-end tests: tmux runs the program, send-keys types, capture-pane reads.
(The same moves as ../shared/tools/tui-drive, kept here so the suite needs nothing beside the repo.)"""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable


class Terminal:
    def __init__(self, command: list[str], env: dict[str, str], size: tuple[int, int] = (120, 34)) -> None:
        if not shutil.which("tmux"):
            raise RuntimeError("tmux is not installed (apt-get install tmux)")
        self.name = f"chatdesk-e2e-{uuid.uuid4().hex[:8]}"
        env_args = [f"{k}={v}" for k, v in {"TERM": "xterm-256color", **env}.items()]
        # the shell prints the exit status after the program, so a test can wait for "[exited 0]"
        # COLUMNS / LINES from the test process would override the terminal's own size.
        inner = "env -u COLUMNS -u LINES " + " ".join(shlex.quote(a) for a in [*env_args, *command]) + '; echo "[exited $?]"'
        cmd = "sh -c " + shlex.quote(inner)
        self._tmux("new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]), cmd)
        self._tmux("set-option", "-t", self.name, "remain-on-exit", "on")

    def _tmux(self, *args: str) -> str:
        # A tmux server of its own (-L): sessions of other programs on the default server would
        # make tmux resize this detached window to the server's default size.
        return subprocess.run(["tmux", "-L", self.name, *args], check=True, text=True,
                              capture_output=True).stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.name, *keys)

    def send_bytes(self, data: bytes) -> None:
        """These exact bytes, as a terminal would write them for a key (e.g. ESC 1 for alt+1)."""
        self._tmux("send-keys", "-t", self.name, "-H", *(f"{b:02x}" for b in data))

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", self.name, "-l", text)

    def wait(self, pattern: str, timeout: float = 20.0) -> str:
        rx = re.compile(pattern, re.M)
        return self._until(self.screen, rx.search, repr(pattern), timeout)

    def cursor(self) -> tuple[int, int]:
        x, y = self._tmux("display-message", "-p", "-t", self.name, "#{cursor_x} #{cursor_y}").split()
        return int(x), int(y)

    def wait_cursor_on(self, pattern: str, timeout: float = 20.0) -> str:
        """Until the terminal's cursor is on a row that matches `pattern`. Textual puts the cursor
        in the text field that has the focus, so keys typed after this go to that field."""
        rx = re.compile(pattern)

        def cursor_row() -> str:
            text = self.screen()            # the cursor after the screen: a row it has reached
            return text.splitlines()[self.cursor()[1]] if text else ""
        return self._until(cursor_row, rx.search, f"the cursor on a row with {pattern!r}", timeout)

    def wait_reversed(self, text: str, timeout: float = 20.0) -> str:
        """Until `text` is drawn in reverse video (SGR 7), as Textual draws the focused button."""
        rx = re.compile(r"\x1b\[(?:[0-9;]*;)?7(?:;[0-9;]*)?m(?:\x1b\[[0-9;]*m)*\s*" + re.escape(text))
        return self._until(lambda: self._tmux("capture-pane", "-p", "-e", "-t", self.name), rx.search,
                           f"{text!r} in reverse video (focused)", timeout)

    def _until(self, read: Callable[[], str], test: Callable[[str], object], what: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = read()
            if test(text):
                return text
            time.sleep(0.1)
        size = self._tmux("display-message", "-p", "-t", self.name, "#{window_width}x#{window_height}").strip()
        raise AssertionError(f"timed out after {timeout}s waiting for {what}; the screen ({size}):\n{self.screen()}")

    def resize(self, columns: int, rows: int) -> None:
        """The window to this size, as when the user drags their terminal: the program gets SIGWINCH."""
        self._tmux("resize-window", "-t", self.name, "-x", str(columns), "-y", str(rows))

    def gone(self, pattern: str, timeout: float = 20.0) -> None:
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not rx.search(self.screen()):
                return
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} still on screen after {timeout}s:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True)
