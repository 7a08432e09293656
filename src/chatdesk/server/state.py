"""What every route and stream shares: settings, the store, the hub, the login throttle."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from fastapi import Request

from .auth import LoginThrottle
from .config import ServerConfig
from .events import Hub, Store


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
    def db(self):
        return self.store.db


def ctx_of(request: Request) -> ServerContext:
    return request.app.state.ctx
