"""What every route and stream shares: settings, the store, the hub, the login throttle."""
from __future__ import annotations

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

    @property
    def db(self):
        return self.store.db


def ctx_of(request: Request) -> ServerContext:
    return request.app.state.ctx
