"""The desk's alerts: the bell with a notice for a new chat and for a queue left waiting, the
bell with the top line for a message in a background chat, and a notice when a trainer changes
my chat limit or approval mode. Each bell comes with a desktop notification where the terminal
shows one (tui/desktop_notify.py, the `desktop_notify` setting).

Calm by rule: new chats ring at most once per ALERT_QUIET (a flood of a thousand is one bell, and
what came in the quiet is told once at its end, with a count), background messages likewise; the
queue's re-alert stays silent while a dialog is open (the dialog is the work in hand).

A plain component the desk owns: it rings through the app's bell, notifies and keeps its timers
on the desk (`host`), and shows background messages in the desk's status bar.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chatdesk.tui.format import fit, fmt_wait, visitor_label

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.widget import Widget

    from chatdesk.client.store import DeskStore
    from chatdesk.protocol.models import Operator
    from chatdesk.tui.widgets.status_bar import StatusBar

ALERT_QUIET = 5.0              # seconds between two alerts of one kind (new chats, background messages)
ALERT_SHOWN = 6.0              # seconds the top line shows a background chat's message


class AlertCenter:
    def __init__(self, host: Widget, store: DeskStore, status_bar: StatusBar, clock: Callable[[], float],
                 every: float, shown_chat: Callable[[], int | None]) -> None:
        """`every`: seconds between two alerts while the queue waits (0: once); `shown_chat`: the
        conversation on screen now (its messages need no alert)."""
        self.host = host
        self.store = store
        self.status_bar = status_bar
        self.clock = clock
        self.every = every
        self.shown_chat = shown_chat
        self._last_alert = 0.0
        self._background_alerted = float("-inf")   # when the last background-message alert rang
        self._background_waiting: set[int] = set()  # chats that wrote since, told when the quiet ends
        self._background_timer: Timer | None = None
        self._clear_timer: Timer | None = None
        self._limits: tuple[int, bool] | None = None
        self._new_alerted = float("-inf")          # when the last new-chat alert rang
        self._new_waiting: list[int] = []          # chats that arrived since, told when the quiet ends
        self._new_timer: Timer | None = None

    def queue_waiting(self, longest: float) -> None:
        """Ring again every `every` seconds while someone waits and I am online."""
        me = self.store.me
        if (self.store.queue and self.every > 0 and (me is None or me.status == "online")
                and not self._dialog_open() and self.clock() - self._last_alert >= self.every):
            self._alert(f"{len(self.store.queue)} waiting, longest {fmt_wait(longest)}.", "The queue is waiting")

    def new_chats(self, ids: list[int]) -> None:
        wait = self._new_alerted + ALERT_QUIET - self.clock()
        if wait > 0:
            self._new_waiting += ids
            if self._new_timer is None:
                self._new_timer = self.host.set_timer(wait, self._tell_waiting_new)
            return
        self._tell_new(ids)

    def _tell_waiting_new(self) -> None:
        self._new_timer = None
        waiting, self._new_waiting = self._new_waiting, []
        self._tell_new(waiting)

    def _tell_new(self, ids: list[int]) -> None:
        entries = [self.store.queue[i] for i in ids if i in self.store.queue]
        if not entries:
            return
        self._new_alerted = self.clock()
        e = entries[0]
        where = e.visitor.current_title or e.visitor.current_url
        text = f"{visitor_label(e.visitor)}" + (f" on {where}" if where else "")
        if len(entries) > 1:
            text += f" and {len(entries) - 1} more"
        self._alert(text, "New chat in the queue")

    def background_message(self, cid: int) -> None:
        # At most one alert and bell per few seconds for all background chats together: six
        # visitors typing in short bursts should not ring thirty times (each tab's unread count
        # says how many). What arrives in the quiet time is told once at its end, by name.
        wait = self._background_alerted + ALERT_QUIET - self.clock()
        if wait > 0:
            self._background_waiting.add(cid)
            if self._background_timer is None:
                self._background_timer = self.host.set_timer(wait, self._tell_waiting_background)
            return
        self._background_alerted = self.clock()
        view = self.store.conversations[cid]
        last = view.messages[-1].body if view.messages else ""
        self._alert_in_status(f"{visitor_label(view.visitor)}: {fit(last.replace(chr(10), ' '), 80)}")

    def limits(self, me: Operator | None) -> None:
        """A trainer changed my chat limit or approval mode: say so once (the status bar shows it).
        The first call only notes them."""
        if me is None:
            return
        now = (me.max_chats, me.approval_required)
        before, self._limits = self._limits, now
        if before is None or before == now:
            return
        if before[0] != now[0]:
            self.host.notify(f"Your chat limit is now {me.max_chats}.", title="Limit changed", markup=False)
        if before[1] != now[1]:
            self.host.notify("A trainer approves your messages before the visitor sees them." if now[1]
                             else "Your messages go straight to the visitor again.", title="Approval mode")

    def _tell_waiting_background(self) -> None:
        self._background_timer = None
        waiting, self._background_waiting = self._background_waiting, set()
        shown = self.shown_chat()
        views = [v for c in waiting if c != shown and (v := self.store.conversations.get(c)) and v.unread]
        if not views:
            return
        self._background_alerted = self.clock()
        names = ", ".join(visitor_label(v.visitor) for v in views[:3])
        more = f" and {len(views) - 3} more" if len(views) > 3 else ""
        self._alert_in_status(f"{names}{more} wrote meanwhile.")

    def _dialog_open(self) -> bool:
        from textual.screen import ModalScreen
        return isinstance(self.host.app.screen, ModalScreen)

    def _alert(self, text: str, title: str) -> None:
        self._ring(title, text)
        self.host.notify(text, title=title, markup=False, timeout=6)

    def _alert_in_status(self, text: str) -> None:
        """A background chat's message: the bell, and the top line says who for a few seconds."""
        self._ring("New message", text)
        self.status_bar.alert = text
        if self._clear_timer is not None:
            self._clear_timer.stop()
        self._clear_timer = self.host.set_timer(ALERT_SHOWN, self._clear_status)

    def _clear_status(self) -> None:
        self._clear_timer = None
        self.status_bar.alert = ""

    def _ring(self, title: str, text: str) -> None:
        self._last_alert = self.clock()
        self.host.app.bell()
        desktop = getattr(self.host.app, "desktop_notify", None)
        if desktop is not None:
            desktop(title, text)
