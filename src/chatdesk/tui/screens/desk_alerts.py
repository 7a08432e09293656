"""The desk's alerts: the bell with a notification for a new chat and for a queue left waiting,
the bell with the top line for a message in a background chat. Mixed into DeskScreen; relies on
its store, clock, active_id and alert_every."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chatdesk.tui.format import fit, fmt_wait, visitor_label
from chatdesk.tui.widgets.queue_panel import QueuePanel
from chatdesk.tui.widgets.status_bar import StatusBar

BACKGROUND_ALERT_QUIET = 5.0   # seconds between two alerts for messages in background chats
ALERT_SHOWN = 6.0              # seconds the top line shows a background chat's message


class DeskAlerts:
    store: Any
    clock: Callable[[], float]
    active_id: int | None
    alert_every: float

    def _init_alerts(self) -> None:
        self._last_alert = 0.0
        self._background_alerted = float("-inf")   # when the last background-message alert rang
        self._background_waiting: set[int] = set()  # chats that wrote since, told when the quiet ends
        self._background_timer: Any = None
        self._alert_clear_timer: Any = None

    def realert_queue(self) -> None:
        """Ring again every `alert_every` seconds while someone waits and I am online."""
        me = self.store.me
        if (self.store.queue and self.alert_every > 0 and (me is None or me.status == "online")
                and self.clock() - self._last_alert >= self.alert_every):
            panel = self.query_one(QueuePanel)
            self._alert(f"{len(self.store.queue)} waiting, longest {fmt_wait(panel.longest_wait())}.",
                        "The queue is waiting")

    def alert_new_chats(self, ids: list[int]) -> None:
        entries = [self.store.queue[i] for i in ids if i in self.store.queue]
        if not entries:
            return
        e = entries[0]
        where = e.visitor.current_title or e.visitor.current_url
        text = f"{visitor_label(e.visitor)}" + (f" on {where}" if where else "")
        if len(entries) > 1:
            text += f" and {len(entries) - 1} more"
        self._alert(text, "New chat in the queue")

    def alert_background_message(self, cid: int) -> None:
        # At most one alert and bell per few seconds for all background chats together: six
        # visitors typing in short bursts should not ring thirty times (each tab's unread count
        # says how many). What arrives in the quiet time is told once at its end, by name.
        wait = self._background_alerted + BACKGROUND_ALERT_QUIET - self.clock()
        if wait > 0:
            self._background_waiting.add(cid)
            if self._background_timer is None:
                self._background_timer = self.set_timer(wait, self._alert_waiting_background)
            return
        self._background_alerted = self.clock()
        view = self.store.conversations[cid]
        last = view.messages[-1].body if view.messages else ""
        self._alert_in_status(f"{visitor_label(view.visitor)}: {fit(last.replace(chr(10), ' '), 80)}")

    def _alert_waiting_background(self) -> None:
        self._background_timer = None
        waiting, self._background_waiting = self._background_waiting, set()
        views = [v for c in waiting if c != self.active_id and (v := self.store.conversations.get(c)) and v.unread]
        if not views:
            return
        self._background_alerted = self.clock()
        names = ", ".join(visitor_label(v.visitor) for v in views[:3])
        more = f" and {len(views) - 3} more" if len(views) > 3 else ""
        self._alert_in_status(f"{names}{more} wrote meanwhile.")

    def _alert(self, text: str, title: str) -> None:
        self._ring()
        self.notify(text, title=title, markup=False, timeout=6)

    def _alert_in_status(self, text: str) -> None:
        """A background chat's message: the bell, and the top line says who for a few seconds."""
        self._ring()
        self.query_one(StatusBar).alert = text
        if self._alert_clear_timer is not None:
            self._alert_clear_timer.stop()
        self._alert_clear_timer = self.set_timer(ALERT_SHOWN, self._clear_status_alert)

    def _clear_status_alert(self) -> None:
        self._alert_clear_timer = None
        self.query_one(StatusBar).alert = ""

    def _ring(self) -> None:
        self._last_alert = self.clock()
        self.app.bell()
