"""Staff accounts on a real server, made through the real `chatdesk user add` command (each costs
over a second, so several are made in parallel). Every account gets a unique e-mail so tests can
share one server; the password is LiveServer's default ("secret-pass-1")."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def unique_email(local: str, domain: str = "example.com") -> str:
    return f"{local}+{uuid.uuid4().hex[:8]}@{domain}"


def new_email(srv: Any, name: str = "Ana") -> str:
    """A new operator on a shared server; returns its e-mail (log in for a token)."""
    email = unique_email(name.lower())
    srv.add_user(email, name)
    return email


def new_operator(srv: Any, name: str = "Ana") -> str:
    """A fresh operator on a shared server; returns its token."""
    return srv.login(new_email(srv, name))


def make_accounts(srv: Any, domain: str, people: dict[str, tuple]) -> dict[str, str]:
    """Tokens of fresh accounts on a shared server, by key: `people` maps key -> (name, role,
    max_chats) with role and max_chats optional; the e-mail is key@domain."""
    defaults = ("operator", 4)

    def make(item: tuple[str, tuple]) -> tuple[str, str]:
        key, spec = item
        name, role, cap = (*spec, *defaults[len(spec) - 1:])
        return key, srv.operator(f"{key}@{domain}", name, role=role, max_chats=cap)
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(make, people.items()))
