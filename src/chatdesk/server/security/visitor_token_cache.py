"""Which visitor a visitor token belongs to, remembered after the first look-up: the widget sends
its token with every heartbeat, and the answer never changes, because a visitor token is never
revoked or reassigned (only inserted, services/visitor_side.py). If tokens ever can be revoked,
the revoking code must call `forget`.

Unknown tokens are not remembered (a flood of made-up tokens must not fill the memory), and the
remembered ones are capped: past MAX_TOKENS the oldest go first."""
from __future__ import annotations

from ..storage.engine import Database
from .passwords import token_hash
from .tokens import visitor_id_for_hash

MAX_TOKENS = 100_000     # ~2,000 visitors on the site at once: room for a long day's sessions


class VisitorTokenCache:
    def __init__(self, limit: int = MAX_TOKENS) -> None:
        self._known: dict[str, str] = {}
        self.limit = limit

    async def visitor_for(self, db: Database, token: str | None) -> str | None:
        if not token:
            return None
        key = token_hash(token)
        vid = self._known.get(key)
        if vid is None:
            vid = await visitor_id_for_hash(db, key)
            if vid is not None:
                self._remember(key, vid)
        return vid

    def remember(self, token: str, vid: str) -> None:
        """A token just issued (and committed): its first heartbeat need not look it up."""
        self._remember(token_hash(token), vid)

    def _remember(self, key: str, vid: str) -> None:
        if len(self._known) >= self.limit:
            del self._known[next(iter(self._known))]
        self._known[key] = vid

    def forget(self, token: str) -> None:
        self._known.pop(token_hash(token), None)
