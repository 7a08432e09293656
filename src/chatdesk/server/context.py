"""What every route, stream and sweep shares: settings, the store, the hub, the login throttle."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from .config import ServerConfig
from .eventlog.hub import Hub
from .eventlog.log import Store
from .security.throttle import LoginThrottle
from .storage.db import Database


@dataclass
class ServerContext:
    config: ServerConfig
    store: Store
    hub: Hub
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    visitor_activity: dict[str, float] = field(default_factory=dict)  # stream frames, not stored
    # After a restart every widget needs a moment to reconnect: nobody is "gone" before this.
    started_at: float = field(default_factory=time.time)

    @property
    def db(self) -> Database:
        return self.store.db
