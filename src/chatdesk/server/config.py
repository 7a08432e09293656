"""Server settings, filled from the `chatdesk server` arguments (see cli.py). A widget config file\nthat cannot be used raises WidgetConfigError (its message says why) while they are read."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .shop_config import ShopConfig, ShopConfigError, load_shop
from .storage.engine import DEFAULT_POOL
from .storage.target import database_target
from .visitor_flows_config import FlowsConfig, load_flows
from .widget_config import WidgetConfig, load


@dataclass(frozen=True)
class SmtpSettings:
    """Where mail goes. No host: the server sends no mail (and enqueues none)."""
    host: str = ""
    port: int = 0                    # 0: 465 with tls, else 587 with starttls, else 25
    user: str = ""
    password: str = ""
    tls: str = "starttls"            # "starttls" | "tls" | "none"
    mail_from: str = "chatdesk@localhost"
    sales_address: str = ""          # the sales follow-up at close
    team_address: str = ""           # offline messages and callback requests

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    @property
    def effective_port(self) -> int:
        return self.port or {"tls": 465, "starttls": 587}.get(self.tls, 25)

    @classmethod
    def from_args(cls, args) -> "SmtpSettings":
        password = getattr(args, "smtp_password", "") or ""
        if path := getattr(args, "smtp_password_file", None):
            password = Path(path).read_text().strip()
        return cls(host=getattr(args, "smtp_host", "") or "", port=int(getattr(args, "smtp_port", 0) or 0),
                   user=getattr(args, "smtp_user", "") or "", password=password,
                   tls=getattr(args, "smtp_tls", "starttls") or "starttls",
                   mail_from=getattr(args, "mail_from", None) or cls.mail_from,
                   sales_address=getattr(args, "sales_address", "") or "",
                   team_address=getattr(args, "team_address", "") or "")


@dataclass(frozen=True)
class ServerConfig:
    db_path: Path | str              # an SQLite file, or a postgresql:// URL (storage/engine.py)
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
    # Pre-chat, opening hours, queue and rating (visitor_flows_config.py): --shop-config FILE.
    flows: FlowsConfig = field(default_factory=FlowsConfig)
    # Work items from visitors: security/request_limits.py.
    requests_per_visitor: int = 3    # open or claimed requests one visitor may have
    new_requests_per_address: int = 30   # new requests per minute from one client address
    # A request with no time the server can read is due this many seconds after it came
    # (services/work_due.py).
    request_due: float = 3600.0
    # The outbox (docs/integrations.md): webhook and mail deliveries, retried with backoff.
    public_url: str = ""             # how the outside reaches this server: transcript links
    delivery_concurrency: int = 8    # deliveries in flight at once; a hanging receiver holds one
    delivery_timeout: float = 10.0   # seconds for one attempt (connect, send, answer)
    retry_base: float = 2.0          # first retry within this many seconds, doubling each time
    retry_cap: float = 3600.0        # ... never waiting more than this between two attempts
    give_up_after: float = 86400.0   # then the delivery is dead-lettered (an admin can redeliver)
    delivery_poll: float = 1.0       # how often the worker looks for due rows nobody announced
    rotation_overlap: float = 86400.0  # seconds the previous secret still signs after a rotation
    transcript_link_days: float = 30.0   # a signed transcript link opens this long (outbox/transcript_links.py)
    smtp: SmtpSettings = field(default_factory=lambda: SmtpSettings())
    # The shop's widget settings (widget_config.py): branding, texts; --shop-config FILE.
    widget: WidgetConfig = field(default_factory=WidgetConfig)
    # Visitors on the site and openers (docs/protocol.md, "Visitors on the site").
    browsing_idle: float = 60.0      # seconds without a page view, heartbeat or stream frame: gone
    browsing_batch: float = 1.0      # desks get the changes at most once per this many seconds
    attribution_days: float = 7.0    # an order this long after a chat or opener counts for it
    db_pool: int = 10                # Postgres: read connections per process (as many again on overflow)
    # Several processes on one database (server/cluster/, docs/deploy.md): off, a process alone
    # keeps today's behaviour (no heartbeat, no lease, no poll).
    cluster: bool = False
    cluster_poll: float = 0.5        # seconds between looks at the newest event id (the bus wakes sooner)
    bus_host: str = "127.0.0.1"      # where this process's peers reach its bus (cluster/bus.py)
    cluster_wake: str = "bus"        # what wakes the fan-out for others' events: "bus", "notify" (Postgres) or "poll"
    # signs the bus's datagrams (cluster/bus_key.py): CHATDESK_BUS_SECRET, or "" for the database's own
    bus_secret: str = field(default="", repr=False)

    @property
    def attribution_window(self) -> float:
        return self.attribution_days * 86_400.0

    @classmethod
    def from_args(cls, args) -> "ServerConfig":
        shop = shop_settings(args)
        return cls(
            db_path=database_target(args.db),
            db_pool=int(getattr(args, "db_pool", None) or DEFAULT_POOL),
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
            flows=shop.flows if shop else load_flows(getattr(args, "flows_config", None)),
            request_due=float(getattr(args, "request_due", 3600.0)),
            public_url=(getattr(args, "public_url", "") or "").rstrip("/"),
            **{name: kind(value) for name, kind in OUTBOX_OPTIONS
               if (value := getattr(args, name, None)) is not None},
            smtp=SmtpSettings.from_args(args),
            widget=shop.widget if shop else load(getattr(args, "widget_config", None)),
            browsing_idle=float(getattr(args, "browsing_idle", 60.0)),
            attribution_days=float(getattr(args, "attribution_days", 7.0)),
            cluster=bool(getattr(args, "cluster", False)),
            cluster_poll=float(getattr(args, "cluster_poll", 0.5) or 0.5),
            bus_host=str(getattr(args, "bus_host", "127.0.0.1") or "127.0.0.1"),
            cluster_wake=str(getattr(args, "cluster_wake", "bus") or "bus"),
            bus_secret=os.environ.get("CHATDESK_BUS_SECRET", ""),
            **{name: int(value) for name in FLOOD_LIMITS
               if (value := getattr(args, name, None)) is not None},
        )


def shop_settings(args) -> ShopConfig | None:
    """`--shop-config FILE` (shop_config.py), or None when the shop's settings come from the two
    older flags (`--widget-config`, `--flows-config`, kept for one release) or from nowhere."""
    path = getattr(args, "shop_config", None)
    if not path:
        return None
    older = [flag for flag, name in (("--widget-config", "widget_config"), ("--flows-config", "flows_config"))
             if getattr(args, name, None)]
    if older:
        raise ShopConfigError(f"give --shop-config alone: its file holds what {' and '.join(older)} "
                              "read (move their sections into it).")
    return load_shop(path)


FLOOD_LIMITS = ("login_hashers", "login_waiting", "login_per_address", "login_per_account",
                "chats_per_address", "new_chats_per_address", "new_chats_per_visitor",
                "requests_per_visitor", "new_requests_per_address")

# `chatdesk server`'s outbox options (cli.py): attribute name, type.
OUTBOX_OPTIONS: tuple[tuple[str, type], ...] = (
    ("delivery_concurrency", int), ("delivery_timeout", float), ("retry_base", float),
    ("retry_cap", float), ("give_up_after", float), ("delivery_poll", float), ("rotation_overlap", float),
    ("transcript_link_days", float))
