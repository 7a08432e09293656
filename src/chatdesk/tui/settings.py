"""Desk settings that come from the user's config (client/config.py) or from the caller."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DeskSettings:
    theme: str = "chatdesk-dark"
    alert_every: float = 30.0          # re-alert while the queue waits; 0 turns it off
    split_len: int = 160               # max length of each part for "send in parts"
    checking_text: str = "One moment, I am checking that for you."
    bell: bool = True                  # ring the terminal bell with each alert
    desktop_notify: str = "auto"       # a desktop notification with each alert: auto, osc9, osc777, off
    export_dir: str = ""               # where transcripts are exported ("": Downloads, see client/config.py)
    cursor_blink: bool = True          # off for deterministic snapshots
    sla_warn: float = 30.0             # board: a wait turns amber after this many seconds
    sla_late: float = 90.0             # board: ... and red after this many
    board_at_start: bool = True        # supervisors and trainers start on the board

    @classmethod
    def from_config(cls, config: object) -> "DeskSettings":
        """Pick the fields we know from any config object (attributes or a mapping)."""
        get = config.get if isinstance(config, dict) else (lambda k, d=None: getattr(config, k, d))
        s = cls()
        s.theme = str(get("theme", None) or s.theme)
        every = get("queue_realert_seconds", None)
        every = get("alert_every", None) if every is None else every
        s.alert_every = s.alert_every if every is None else max(0.0, float(every))   # 0: no re-alert
        s.split_len = int(get("split_length", None) or get("split_len", None) or s.split_len)
        s.checking_text = str(get("checking_text", None) or s.checking_text)
        s.sla_warn = float(get("sla_warn_seconds", None) or get("sla_warn", None) or s.sla_warn)
        s.sla_late = max(s.sla_warn, float(get("sla_late_seconds", None) or get("sla_late", None) or s.sla_late))
        start = get("board_at_start", None)
        s.board_at_start = s.board_at_start if start is None else bool(start)
        bell = get("bell", None)
        s.bell = s.bell if bell is None else bool(bell)
        s.desktop_notify = str(get("desktop_notify", None) or s.desktop_notify)
        s.export_dir = str(get("export_dir", None) or s.export_dir)
        return s
