"""`chatdesk login --url URL --email E [--password-stdin]`: log in and keep the token (keyring)."""
from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import TYPE_CHECKING

from .api import ApiClient
from .config import save_config
from .credentials import NoKeyring, save_token
from .http import ApiError, ApiUnavailable

if TYPE_CHECKING:
    from chatdesk.protocol.requests import LoginResponse


async def _login(url: str, email: str, password: str) -> tuple[LoginResponse, str]:
    async with ApiClient(url) as api:
        res = await api.login(email, password)
        try:
            where = save_token(url, email, res.token)
        except NoKeyring:
            await api.logout()     # a token nobody can find again should not stay valid
            raise
        return res, where


def login(args: argparse.Namespace) -> int:
    url = args.login_url.rstrip("/")
    email = args.login_email
    if getattr(args, "password_stdin", False):
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {email} at {url}: ")
    if not password:
        print("No password given.", file=sys.stderr)
        return 2
    try:
        res, where = asyncio.run(_login(url, email, password))
    except ApiError as e:
        print(f"Login failed: {e}", file=sys.stderr)
        return 1
    except ApiUnavailable as e:
        print(str(e), file=sys.stderr)
        return 2
    except NoKeyring as e:
        print(str(e), file=sys.stderr)
        return 3
    try:
        save_config({"url": url, "email": email})
    except OSError as e:
        print(f"Logged in, but could not remember the server in the config file: {e}", file=sys.stderr)
    op = res.operator
    print(f"Logged in to {url} as {op.name} ({op.role}). The token is kept in {where}.")
    print(f"Open the desk with: chatdesk --url {url}")
    return 0
