"""The desk's top line: who I am and my status, my chats against my cap, the queue, the
connection ("Reconnecting…" while the stream is down; typing goes on regardless), and the latest
message in a background chat for a few seconds (a line here, not a toast: a toast is a mount and
a screen-wide layout each time, and busy background chats made one every few seconds, bench/)."""
from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from chatdesk.tui.format import fmt_wait

STATUS_STYLE = {"online": "bold $success", "away": "bold $warning", "on_phone": "bold $warning",
                "offline": "$text-muted"}
STATUS_TEXT = {"online": "online", "away": "away", "on_phone": "on the phone", "offline": "offline"}
CONNECTION = {
    "live": ("● live", "$success"),
    "connecting": ("◌ Connecting…", "$warning"),
    "reconnecting": ("⟳ Reconnecting… (keep typing, nothing is lost)", "bold $warning"),
    "offline": ("✗ Offline — the server is not reachable", "bold $error"),
}


class StatusBar(Widget):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $primary 20%; }
    """

    # Each is set on every batch of queue events: repaint only when what is shown changes (an
    # equal Operator, a wait in the same second), the bar spans the screen and costs a wide repaint.
    me: reactive[Any] = reactive(None)
    connection = reactive("connecting")
    waiting = reactive(0)
    longest = reactive(0)               # whole seconds
    my_chats = reactive(0)
    alert = reactive("")                # plain text (already sanitised by the store), never markup

    def render(self) -> Content:
        full = self._line(compact=False)
        if not self.alert or full.cell_length <= self.size.width:
            return full
        return self._line(compact=True)       # a narrow terminal: room for the alert first

    def _line(self, compact: bool) -> Content:
        """The top line; `compact` drops the labels and the brand so an alert keeps its words."""
        me = self.me
        parts: list[Any] = [] if compact else [(" chatdesk ", "bold $accent")]
        if me is not None:
            status = me.status
            name = me.name.split(" ")[0] if compact else me.name
            parts += ["│ " if not compact else " ", (name, "bold"), " ",
                      (STATUS_TEXT.get(status, status), STATUS_STYLE.get(status, "")), " "]
            parts += ["│ ", ("" if compact else "chats ", "$text-muted"),
                      (f"{self.my_chats}/{me.max_chats}",
                       "bold $error" if self.my_chats >= me.max_chats else "bold"), " "]
        parts += ["│ ", ("q " if compact else "queue ", "$text-muted"), (str(self.waiting), "bold")]
        if self.waiting:
            parts += [(" " if compact else "  longest ", "$text-muted"), (fmt_wait(self.longest), "bold")]
        text, style = CONNECTION.get(self.connection, (self.connection, ""))
        if compact and self.connection == "live":
            text = text[0]                   # the green dot says it; trouble keeps its sentence
        parts += [" │ ", (text, style)]
        if self.alert:
            parts += [" │ ", ("✉ ", "bold $accent"), (self.alert, "bold $accent")]
        return Content.assemble(*parts)
