"""What every route, stream and sweep shares: settings, the store, the hub, the login throttle and the
flood limits (logins, new chats, visitors' requests)."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .cluster.fence import AlwaysHeld, Fence
from .config import ServerConfig
from .eventlog.hub import Hub
from .eventlog.log import Store
from .outbox.enqueue import Outbox
from .security.chat_limits import ChatLimits
from .security.login_gate import LoginGate
from .security.request_limits import RequestLimits
from .security.throttle import LoginThrottle
from .security.visitor_token_cache import VisitorTokenCache
from .services.opener_rule_cache import RuleCache
from .storage.engine import Database

if TYPE_CHECKING:
    from .cluster.presence import Presence


@dataclass
class ServerContext:
    config: ServerConfig
    store: Store
    hub: Hub
    outbox: Outbox | None = None     # webhooks and mail (server/outbox/)
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    visitor_activity: dict[str, float] = field(default_factory=dict)  # stream frames, not stored
    # After a restart every widget needs a moment to reconnect: nobody is "gone" before this.
    started_at: float = field(default_factory=time.time)
    # The clock of visitors on the site, openers and orders: tests move it instead of sleeping.
    clock: Callable[[], float] = time.time
    # Visitors whose row on the desks' Visitors list changed since the last batch (services/browsing.py).
    browsing_changed: set[str] = field(default_factory=set)
    # The wall clock for opening hours; a test gives its own instead of waiting until 8:00.
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # Flood limits, built from the config: logins and new chats (docs/security.md).
    logins: LoginGate = field(init=False)
    chats: ChatLimits = field(init=False)
    requests: RequestLimits = field(init=False)
    # What the heartbeat would otherwise read on every beat: the visitor's token, the enabled rules.
    visitor_tokens: VisitorTokenCache = field(default_factory=VisitorTokenCache)
    opener_rules: RuleCache = field(init=False)
    # Asked by the sweeps before they act: the sweeper lease's fence with --cluster (cluster/fence.py).
    fence: Fence = field(default_factory=AlwaysHeld)
    # With --cluster, who the other processes count as on the site (cluster/presence.py): the
    # Visitors list is theirs and ours together. None with one process.
    presence: Presence | None = None

    def __post_init__(self) -> None:
        c = self.config
        self.logins = LoginGate(c.login_hashers, c.login_waiting, c.login_per_address, c.login_per_account)
        self.chats = ChatLimits(c.chats_per_address, c.new_chats_per_address, c.new_chats_per_visitor)
        self.requests = RequestLimits(c.requests_per_visitor, c.new_requests_per_address)
        self.opener_rules = RuleCache(self.hub)

    @property
    def db(self) -> Database:
        return self.store.db
