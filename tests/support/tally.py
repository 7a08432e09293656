"""Counts what hostile requests got, for the security tests' figures."""
from __future__ import annotations


class Tally:
    """Counts what hostile requests got: stored (2xx), refused (4xx, checked for the error shape),
    server errors (5xx, listed by name). Printed at the end so a run reports its figures."""

    def __init__(self) -> None:
        self.stored = self.refused = 0
        self.server_errors: list[str] = []

    def check(self, r, label: str) -> bool:
        """True when the request was stored (2xx)."""
        if r.status_code >= 500:
            self.server_errors.append(f"{label}: {r.status_code} {r.text[:120]}")
            return False
        if r.status_code >= 400:
            body = r.json()
            assert set(body) == {"error", "message"} and body["message"], f"{label}: {body}"
            self.refused += 1
            return False
        self.stored += 1
        return True
