"""The outbox from outside, as an admin sees it: webhook subscriptions through the real
`chatdesk webhook` command or the admin API, and the server options that make retries quick."""
from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

# Retries within a fraction of a second, and a worker that looks often: tests wait less.
QUICK_RETRIES = ("--retry-base", "0.05", "--retry-cap", "0.2", "--delivery-poll", "0.05")


def webhook_cli(srv: Any, *args: str) -> str:
    """`chatdesk webhook ARGS --db <the server's database>`; its standard output."""
    done = subprocess.run([sys.executable, "-m", "chatdesk", "webhook", *args, "--db", srv.database],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def added_secret(output: str) -> tuple[int, str]:
    """(webhook id, secret) from what `chatdesk webhook add` or `rotate` printed."""
    hook = re.search(r"^Webhook (\d+):", output, re.M)
    secret = re.search(r"secret .*: (whsec_[0-9a-f]+)$", output, re.M)
    assert hook and secret, output
    return int(hook.group(1)), secret.group(1)
