"""`chatdesk webhook add URL --events a,b | list | remove ID | rotate ID | dead | redeliver ID`,
on the server's database (created or migrated first), as an admin would. A running server picks
changes up at its next look (--delivery-poll)."""
from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from .config import ServerConfig


def _when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else "-"


async def _run(args: Any) -> int:
    from .outbox import dead_letters, subscriptions
    from .services.errors import DomainError
    from .storage.engine import open_database
    from .storage.migrations import migrate_async
    from .storage.target import database_target

    defaults = ServerConfig(db_path=database_target(args.db))
    db = open_database(args.db)
    try:
        await migrate_async(db)
        async with db.write() as conn:
            try:
                return _print(args.webhook_command, await _do(args, conn, subscriptions, dead_letters, defaults))
            except DomainError as e:
                print(e.message, file=sys.stderr)
                return 2
    finally:
        await db.close()


async def _do(args: Any, conn: Any, subscriptions: Any, dead_letters: Any, defaults: ServerConfig) -> Any:
    command = args.webhook_command
    if command == "add":
        return await subscriptions.add(conn, args.url, args.events.split(","))
    if command == "list":
        return await subscriptions.all_webhooks(conn)
    if command == "remove":
        await subscriptions.remove(conn, args.id)
        return args.id
    if command == "rotate":
        return await subscriptions.rotate(conn, args.id, args.overlap)
    if command == "dead":
        return await dead_letters.deliveries(conn, "dead")
    return await dead_letters.redeliver(conn, args.id, defaults.give_up_after)


def _print(command: str, answer: Any) -> int:
    if command in ("add", "rotate"):
        hook = answer["webhook"]
        print(f"Webhook {hook['id']}: {hook['url']} ({', '.join(hook['events'])})")
        if hook["rotating_until"]:
            print(f"The previous secret still signs until {_when(hook['rotating_until'])}.")
        print(f"Signing secret (shown once, keep it with the receiver): {answer['secret']}")
    elif command == "list":
        for hook in answer:
            rotating = f"  rotating until {_when(hook['rotating_until'])}" if hook["rotating_until"] else ""
            print(f"{hook['id']}\t{hook['url']}\t{','.join(hook['events'])}{rotating}")
        if not answer:
            print("No webhooks.")
    elif command == "remove":
        print(f"Removed webhook {answer}.")
    elif command == "dead":
        for d in answer:
            print(f"{d['id']}\t{d['channel']}\t{d['event']}\t{d['target']}\t{d['attempts']} attempts\t"
                  f"{_when(d['created_at'])}\t{d['last_error']}")
        if not answer:
            print("No dead letters.")
    else:
        print(f"Delivery {answer['id']} ({answer['event']} to {answer['target']}) is due again.")
    return 0


def webhook_command(args: Any) -> int:
    return asyncio.run(_run(args))
