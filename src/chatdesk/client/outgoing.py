"""One message the operator sent, from the moment Enter was pressed until the server has it."""
from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

OutgoingState = Literal["pending", "sent", "failed", "discarded"]


def new_client_msg_id() -> str:
    return uuid.uuid4().hex


@dataclass
class OutgoingMessage:
    conversation_id: int
    body: str
    kind: str = "text"
    client_msg_id: str = field(default_factory=new_client_msg_id)   # chosen BEFORE the first send
    state: OutgoingState = "pending"
    error: str = ""                   # the server's sentence when it refused the message
    created_at: float = field(default_factory=time.time)
    attempts: int = 0
    message_id: int | None = None     # the server's message id once acknowledged

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "OutgoingMessage":
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)
