"""DeskApp: the operator desk. Small on purpose: it wires a DeskSession to the desk screen, loads
themes and the user keymap, starts/stops the session, and opens the supervisor / trainer screens
(app actions, bound on the desk). Everything else lives in screens/ and widgets/.

    DeskApp(url="http://127.0.0.1:8765", token="...")                     # real session
    DeskApp(session=my_session, clock=lambda: 1_700_000_000.0)           # injected (tests, demo)
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App

from chatdesk.tui.commands import DeskCommands
from chatdesk.tui.keymap import keymap_path, load_keymap
from chatdesk.tui.screens.desk import DeskScreen
from chatdesk.tui.settings import DeskSettings
from chatdesk.tui.terminal_keys import install as install_terminal_keys
from chatdesk.tui.theme_loader import DEFAULT_THEME, SHIPPED_DIR, load_themes, user_themes_dir

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from chatdesk.tui.screens.monitor import MonitorScreen


def default_session_factory(state_dir: Path | None, prefetch: Any = None) -> Callable[[str, str], Any]:
    def make(url: str, token: str) -> Any:
        from chatdesk.client.session import DeskSession
        return DeskSession(url, token, state_dir=state_dir, prefetch=prefetch)
    return make


class DeskApp(App[None]):
    TITLE = "chatdesk"
    CSS_PATH = Path(__file__).parent / "desk.tcss"   # absolute: subclasses live elsewhere
    COMMANDS = App.COMMANDS | {DeskCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, url: str | None = None, token: str | None = None, *, session: Any = None,
                 session_factory: Callable[[str, str], Any] | None = None,
                 clock: Callable[[], float] = time.time, settings: DeskSettings | None = None,
                 keymap: dict[str, str] | None = None, keymap_file: Path | None = None,
                 theme_dirs: list[Path] | None = None, state_dir: Path | None = None,
                 startup_notes: list[str] | None = None, tune_gc: bool = False, prefetch: Any = None,
                 about: list[str] | None = None) -> None:
        """`tune_gc`: the desk is what this process is for (the `chatdesk` command, the demo):
        tune the process-wide garbage collector for it once it is up (see _tune_collector).
        `prefetch`: a chatdesk.client.prefetch.DeskPrefetch already fetching the first snapshot.
        `about`: lines F1 shows above the keys (the demo's server address and accounts)."""
        super().__init__()
        install_terminal_keys()      # alt+digit and alt+enter as the legacy encoding sends them
        if session is None:
            if not url or not token:
                raise ValueError("DeskApp needs a url and a token, or a session.")
            session = (session_factory or default_session_factory(state_dir, prefetch))(url, token)
        self.session = session
        self.url = url
        self.clock = clock
        self.settings = settings or DeskSettings()
        self._keymap_arg = keymap
        self._keymap_file = keymap_file
        self._theme_dirs = theme_dirs
        self.user_keymap: dict[str, str] = {}
        self.about = list(about or [])
        self.bell_count = 0          # rings so far (tests and the demo read it)
        self.desktop_count = 0       # desktop notifications written so far
        # (sentence, title) told once the desk is up: config, theme and keymap problems
        self._startup_notes = [(sentence, "Configuration") for sentence in startup_notes or []]
        self._stopped = False
        self._tune_gc = tune_gc

    def get_default_screen(self) -> DeskScreen:
        """The desk is the first screen (no blank default screen to size, show and then cover:
        bench/ start-up); themes and the keymap are in place before it is composed."""
        self._load_themes()
        self._load_keymap()
        take = getattr(self.session, "take_prefetched", None)
        if take is not None:
            take()               # the snapshot is often here already: the first frame shows it
        self.desk = DeskScreen(self.session, clock=self.clock, alert_every=self.settings.alert_every,
                               split_len=self.settings.split_len,
                               checking_text=self.settings.checking_text,
                               cursor_blink=self.settings.cursor_blink)
        return self.desk

    def on_mount(self) -> None:
        if self._tune_gc:
            self.call_after_refresh(self._tune_collector)
        for sentence, title in self._startup_notes:
            self.notify(sentence, title=title, severity="warning", markup=False, timeout=10)
        self.run_worker(self._start_session(), name="session-start", exit_on_error=False)

    def _load_themes(self) -> None:
        folders = self._theme_dirs if self._theme_dirs is not None else [SHIPPED_DIR, user_themes_dir()]
        themes, problems = load_themes(*folders)
        for theme in themes.values():
            self.register_theme(theme)
        self._startup_notes += [(sentence, "Theme skipped") for sentence in problems]
        wanted = self.settings.theme
        if wanted in self.available_themes:
            self.theme = wanted
        else:
            fallback = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
            if wanted != DEFAULT_THEME:
                self._startup_notes.append((f"There is no theme called {wanted!r}; using {fallback}.", "Theme"))
            self.theme = fallback

    def _load_keymap(self) -> None:
        if self._keymap_arg is not None:
            keymap, problems = dict(self._keymap_arg), list[str]()
        else:
            keymap, problems = load_keymap(self._keymap_file or keymap_path())
        self._startup_notes += [(sentence, "Keymap") for sentence in problems]
        self.user_keymap = keymap
        self.set_keymap(keymap)

    async def _start_session(self) -> None:
        """Start the session; while the server cannot be reached, keep trying (the desk shows
        Offline). A refusal (e.g. a revoked token) is final: say what to do."""
        import asyncio
        delay, told = 0.5, False
        while True:
            try:
                await self.session.start(before_stream=self._drawn)
                break
            except Exception as exc:   # ApiError / ApiUnavailable: a sentence for the operator
                status = getattr(exc, "status", None)
                hint = ""
                if status == 401:
                    hint = f" Log in again with: chatdesk login --url {self.url or 'URL'} --email EMAIL"
                if status is not None or not told:
                    told = True
                    self.notify(f"{exc}{hint}", title="Could not start the desk", severity="error",
                                markup=False, timeout=30)
                if status is not None or self.session.store.me is not None:
                    return   # refused, or the stream already runs and keeps trying by itself
                await asyncio.sleep(delay)   # not reachable: try again, a little slower each time
                delay = min(delay * 2, 3.0)
        if self._tune_gc:
            import gc
            gc.freeze()          # the stream, the outbox and what came with them: long-lived too
        if self.settings.board_at_start and getattr(self.session, "is_staff", False):
            self.action_board()              # supervisors and trainers start on the floor view
        try:
            departments = await self.session.departments()
        except Exception:
            departments = []   # transfer still works to operators; departments are optional
        self.desk.departments = [getattr(d, "name", d) for d in departments]

    def _tune_collector(self) -> None:
        """Once the first frame is out. What start-up built (modules, widgets, styles, the
        snapshot) lives as long as the desk: keep it out of the collector's passes, and collect
        young objects less often. The chatdesk command starts with the collector off, because its
        passes over the objects the imports make are a real part of start-up, and full collections
        under load lengthen the event-to-screen tail (docs/performance.md)."""
        import gc
        gc.freeze()
        gc.set_threshold(20_000, 20, 20)
        gc.enable()

    async def _drawn(self) -> None:
        """Until the desk has drawn what the store holds now (at most a second)."""
        import asyncio
        drawn = asyncio.get_running_loop().create_future()

        def mark_drawn() -> None:
            if not drawn.done():
                drawn.set_result(None)
        self.desk.call_after_refresh(mark_drawn)
        try:
            await asyncio.wait_for(drawn, 1.0)
        except TimeoutError:
            pass

    # --- the supervisor / trainer screens ---------------------------------------------------------
    def _staff_only(self, what: str) -> bool:
        """True for staff; an operator is told why the key does nothing."""
        from chatdesk.protocol.models import STAFF_ROLES
        me = self.session.store.me
        if me is not None and me.role in STAFF_ROLES:
            return True
        role = me.role if me is not None else "not signed in yet"
        self.notify(f"{what} is for supervisors, trainers and admins; you are signed in as {role}.",
                    title="Not for operators", severity="warning", markup=False)
        return False

    def _open_once(self, screen_type: type[Screen[Any]], make: Callable[[], Screen[Any]]) -> None:
        """Push the screen unless it is already up (then go back to it)."""
        for screen in self.screen_stack:
            if isinstance(screen, screen_type):
                while self.screen is not screen:
                    self.pop_screen()
                return
        self.push_screen(make())

    def action_board(self) -> None:
        if self._staff_only("The board"):
            from chatdesk.tui.screens.board import BoardScreen
            s = self.settings
            self._open_once(BoardScreen, lambda: BoardScreen(self.session, self.clock, sla_warn=s.sla_warn,
                                                             sla_late=s.sla_late))

    def action_approvals(self) -> None:
        if self._staff_only("The approval queue"):
            from chatdesk.tui.screens.approvals import ApprovalQueueScreen
            self._open_once(ApprovalQueueScreen, lambda: ApprovalQueueScreen(self.session, self.clock))

    def action_transcripts(self) -> None:
        from chatdesk.tui.screens.review import TranscriptReviewScreen  # operators: their own
        self._open_once(TranscriptReviewScreen, lambda: TranscriptReviewScreen(self.session, self.clock))

    def action_visitors(self) -> None:
        from chatdesk.tui.screens.visitors import VisitorsScreen  # every operator may invite
        self._open_once(VisitorsScreen, lambda: VisitorsScreen(self.session, self.clock))

    def action_openers(self) -> None:
        if self._staff_only("The openers"):
            from chatdesk.tui.screens.openers import OpenersScreen
            self._open_once(OpenersScreen, lambda: OpenersScreen(self.session, self.clock))
    def action_work_list(self) -> None:
        from chatdesk.tui.screens.work_list import WorkListScreen
        self._open_once(WorkListScreen, lambda: WorkListScreen(self.session, self.clock))

    def action_report(self) -> None:
        if self._staff_only("The report"):
            from chatdesk.tui.screens.report import ReportScreen
            self._open_once(ReportScreen, lambda: ReportScreen(self.session, self.clock))

    def on_monitor_screen_chat_taken(self, event: MonitorScreen.ChatTaken) -> None:
        self.back_to_desk(event.conversation_id)

    def back_to_desk(self, cid: int) -> None:
        """Pop the staff screens down to the desk and show this chat there (once it is mine)."""
        desk = self.desk
        while len(self.screen_stack) > 1 and self.screen is not desk:
            self.pop_screen()
        self.call_after_refresh(desk.show_chat, cid)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notice is one line, "title: message", so the one-row notice place over a dialog
        (desk.tcss) reads whole; the title is plain text even where the message is markup."""
        if title:
            from textual.markup import escape
            message = f"{escape(title) if markup else title}: {message}"
        super().notify(message, severity=severity, timeout=timeout, markup=markup)

    def bell(self) -> None:
        self.bell_count += 1
        if self.settings.bell:
            super().bell()

    def desktop_notify(self, title: str, body: str) -> None:
        """A desktop notification through the terminal, where it shows one (tui/desktop_notify.py)."""
        import os

        from chatdesk.tui.desktop_notify import resolve, sequence
        seq = sequence(resolve(self.settings.desktop_notify, os.environ), title, body, "TMUX" in os.environ)
        if seq:
            self.desktop_count += 1
            if not self.is_headless and self._driver is not None:
                self._driver.write(seq)

    async def stop_session(self) -> None:
        """Stop the stream and the outbox (what is not yet sent stays in the outbox file)."""
        import asyncio
        if not self._stopped:
            self._stopped = True
            try:
                await asyncio.wait_for(self.session.stop(), 5.0)   # quitting must not hang
            except (TimeoutError, Exception):
                pass

    async def action_quit(self) -> None:
        """ctrl+q. While I hold chats, ask first: their visitors would wait for an answer."""
        from chatdesk.tui.dialogs.confirm import ConfirmDialog
        held = len(self.desk.tab_order) if hasattr(self, "desk") else 0
        if not held or isinstance(self.screen, ConfirmDialog):   # nothing held, or ctrl+q twice
            await self._quit_now()
            return
        chats = "a chat" if held == 1 else f"{held} chats"

        async def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                await self._quit_now()
        self.push_screen(ConfirmDialog(
            "Quit chatdesk?", f"You hold {chats}. They stay yours while you are away, and their visitors "
            "wait for an answer. Transfer them (F4) or close them (F7) first, or quit anyway.",
            yes="Quit anyway", no="Stay", cancelled="Still here: your chats are open."), answered)

    async def _quit_now(self) -> None:
        await self.stop_session()
        self.exit()

    async def on_unmount(self) -> None:
        await self.stop_session()
