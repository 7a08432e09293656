"""Who an ephemeral frame (typing, an invite, the browsing feed) is for, as a value: the hub
applies it to its own subscribers, and the cluster bus carries it to the other processes, which
apply it to theirs. A plain lambda would do for one process but cannot cross one."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .hub import Subscriber


@dataclass(frozen=True)
class ToVisitor:
    """Every stream of one visitor."""
    visitor_id: str

    def __call__(self, sub: Subscriber) -> bool:
        return sub.visitor_id == self.visitor_id

    def wire(self) -> list[Any]:
        return ["visitor", self.visitor_id]


@dataclass(frozen=True)
class ToOperators:
    """Every staff stream (operators, supervisors, admins)."""

    def __call__(self, sub: Subscriber) -> bool:
        return sub.actor is not None

    def wire(self) -> list[Any]:
        return ["operators"]


@dataclass(frozen=True)
class ToChatReaders:
    """Whoever may read a visitor's open chat: staff, the holder, or everyone while it is queued."""
    holder: int | None
    queued: bool

    def __call__(self, sub: Subscriber) -> bool:
        a = sub.actor
        return a is not None and (a.is_staff or self.queued or a.id == self.holder)

    def wire(self) -> list[Any]:
        return ["readers", self.holder, self.queued]


Audience = ToVisitor | ToOperators | ToChatReaders


def from_wire(value: Any) -> Audience | None:
    """The audience a peer sent; None for anything this version does not know."""
    if not isinstance(value, list) or not value:
        return None
    kind = value[0]
    if kind == "visitor" and len(value) == 2 and isinstance(value[1], str):
        return ToVisitor(value[1])
    if kind == "operators" and len(value) == 1:
        return ToOperators()
    if kind == "readers" and len(value) == 3 and (value[1] is None or type(value[1]) is int) \
            and isinstance(value[2], bool):
        return ToChatReaders(value[1], value[2])
    return None
