"""Server settings, filled from the `chatdesk server` arguments (see cli.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .visitor_flows_config import FlowsConfig, load_flows


@dataclass(frozen=True)
class ServerConfig:
    db_path: Path
    auto_assign: bool = False
    requeue_after: float = 60.0      # seconds an auto-assigned chat may go unanswered
    keep_events: int = 0             # 0 keeps the whole event log; N keeps the newest N events
    visitor_timeout: float = 180.0   # a queued chat whose visitor is gone this long becomes missed
    visit_gap: float = 1800.0        # a page view after this much quiet starts a new visit
    sweep_interval: float = 0.25     # how often the background router looks at the clock
    allowed_origins: tuple[str, ...] = ()   # besides the server's own (limits.py)
    visitor_rate: int = 600          # per minute and visitor; 0: off
    address_rate: int = 6000         # visitor-side requests per minute and address; 0: off
    # Connections (security/connections.py). 0 connections: as many as the open-file limit allows.
    max_connections: int = 0
    connections_per_address: int = 100   # 0: off (behind a reverse proxy)
    staff_reserve: int = 0               # 0: a tenth of max_connections, at least 16
    header_timeout: float = 10.0         # seconds for a request's line and headers
    idle_timeout: float = 5.0            # seconds of silence: keep-alive, or a stalled body
    auth_timeout: float = 10.0           # seconds for a websocket's auth frame
    # Flood limits (docs/security.md); 0 turns each off. Logins: security/login_gate.py.
    login_hashers: int = 1           # threads that check passwords
    login_waiting: int = 32          # logins being checked or waiting, in all
    login_per_address: int = 4       # ... from one client address
    login_per_account: int = 3       # ... for one e-mail
    # New chats: security/chat_limits.py.
    chats_per_address: int = 200     # open (queued or active) chats from one client address
    new_chats_per_address: int = 120 # new chats per minute from one client address
    new_chats_per_visitor: int = 10  # new chats per minute from one visitor
    # The widget's texts (widget_texts.py): "auto" follows the page's lang.
    widget_language: str = "auto"
    # Pre-chat, opening hours, queue and rating (visitor_flows_config.py, --flows-config FILE).
    flows: FlowsConfig = field(default_factory=FlowsConfig)
    # Work items from visitors: security/request_limits.py.
    requests_per_visitor: int = 3    # open or claimed requests one visitor may have
    new_requests_per_address: int = 30   # new requests per minute from one client address
    # A request with no time the server can read is due this many seconds after it came
    # (services/work_due.py).
    request_due: float = 3600.0

    @classmethod
    def from_args(cls, args) -> "ServerConfig":
        return cls(
            db_path=Path(args.db),
            auto_assign=bool(getattr(args, "auto_assign", False)),
            requeue_after=float(getattr(args, "requeue_after", 60.0)),
            keep_events=int(getattr(args, "keep_events", 0) or 0),
            visitor_timeout=float(getattr(args, "visitor_timeout", 180.0)),
            visit_gap=float(getattr(args, "visit_gap", 1800.0)),
            allowed_origins=tuple(getattr(args, "allowed_origin", None) or ()),
            visitor_rate=int(getattr(args, "visitor_rate", 600)),
            address_rate=int(getattr(args, "address_rate", 6000)),
            max_connections=int(getattr(args, "max_connections", 0)),
            connections_per_address=int(getattr(args, "connections_per_address", 100)),
            staff_reserve=int(getattr(args, "staff_reserve", 0)),
            header_timeout=float(getattr(args, "header_timeout", 10.0)),
            idle_timeout=float(getattr(args, "idle_timeout", 5.0)),
            auth_timeout=float(getattr(args, "auth_timeout", 10.0)),
            widget_language=str(getattr(args, "widget_language", "auto")),
            flows=load_flows(getattr(args, "flows_config", None)),
            request_due=float(getattr(args, "request_due", 3600.0)),
            **{name: int(value) for name in FLOOD_LIMITS
               if (value := getattr(args, name, None)) is not None},
        )


FLOOD_LIMITS = ("login_hashers", "login_waiting", "login_per_address", "login_per_account",
                "chats_per_address", "new_chats_per_address", "new_chats_per_visitor",
                "requests_per_visitor", "new_requests_per_address")
