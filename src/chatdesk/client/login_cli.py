"""`chatdesk login --url URL --email E [--password-stdin] [--token-file]`: log in and keep the
token in the keyring; on a machine without one, say so and (at a terminal) offer the private token
file instead, never a traceback."""
from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import TYPE_CHECKING

from .api import ApiClient
from .config import save_config
from .credentials import NoKeyring, default_token_file, save_token
from .http import ApiError, ApiUnavailable

if TYPE_CHECKING:
    from chatdesk.protocol.requests import LoginResponse


async def _login(url: str, email: str, password: str, to_file: bool, ask: bool) -> tuple[LoginResponse, str]:
    async with ApiClient(url) as api:
        res = await api.login(email, password)
        try:
            try:
                where = save_token(url, email, res.token, default_token_file() if to_file else None)
            except NoKeyring as e:
                if not (ask and _wants_file(str(e))):
                    raise
                where = save_token(url, email, res.token, default_token_file())
        except (NoKeyring, OSError):
            await api.logout()     # a token nobody can find again should not stay valid
            raise
        return res, where


def _wants_file(why: str) -> bool:
    print(why.split(" Log in again")[0], file=sys.stderr)
    answer = input(f"Keep the token in a private file instead ({default_token_file()}, readable only by you)? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


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
    ask = not getattr(args, "password_stdin", False) and sys.stdin.isatty()
    try:
        res, where = asyncio.run(_login(url, email, password, getattr(args, "token_file", False), ask))
    except ApiError as e:
        print(f"Login failed: {e}", file=sys.stderr)
        return 1
    except ApiUnavailable as e:
        print(str(e), file=sys.stderr)
        return 2
    except NoKeyring as e:
        print(str(e), file=sys.stderr)
        return 3
    except OSError as e:
        print(f"Logged in, but could not write the token file: {e}", file=sys.stderr)
        return 3
    try:
        save_config({"url": url, "email": email})
    except OSError as e:
        print(f"Logged in, but could not remember the server in the config file: {e}", file=sys.stderr)
    op = res.operator
    print(f"Logged in to {url} as {op.name} ({op.role}). The token is kept in {where}.")
    print(f"Open the desk with: chatdesk --url {url}")
    return 0
