"""The `chatdesk` command. Thin: parse arguments, then import only what the chosen command needs,
so that opening the desk never pays for the server's imports and the other way round."""
from __future__ import annotations

import argparse
import importlib.util
import sys

# What `chatdesk server`, `chatdesk user add` and `chatdesk demo` need besides the desk's own
# dependencies: the `server` extra (pyproject.toml). An operator who only opens the desk has none.
SERVER_PACKAGES = ("fastapi", "uvicorn", "sqlalchemy", "aiosqlite", "greenlet")


# `chatdesk server`'s connection caps and deadlines (docs/security.md, "Connections").
CONNECTION_OPTIONS: tuple[tuple[str, type, float, str], ...] = (
    ("--max-connections", int, 0, "open connections in all (0: as many as the open-file limit allows, at most 10000)"),
    ("--connections-per-address", int, 100, "open connections from one client address (0: no limit, e.g. behind a proxy)"),
    ("--staff-reserve", int, 0, "connections kept for staff (0: a tenth of --max-connections, at least 16)"),
    ("--header-timeout", float, 10.0, "seconds a connection has to send a request's line and headers"),
    ("--idle-timeout", float, 5.0, "seconds of silence after which a kept-alive connection or a stalled body is closed"),
    ("--auth-timeout", float, 10.0, "seconds a websocket has to send its auth frame"),
)

# `chatdesk server`'s outbox: webhook and mail deliveries (docs/integrations.md); unset: the
# default in server/config.py.
OUTBOX_OPTIONS: tuple[tuple[str, type, str], ...] = (
    ("--delivery-concurrency", int, "deliveries in flight at once (default 8); a hanging receiver holds one"),
    ("--delivery-timeout", float, "seconds one delivery attempt may take (default 10)"),
    ("--retry-base", float, "seconds: the first retry comes within this, then it doubles, with full jitter (default 2)"),
    ("--retry-cap", float, "seconds: the longest wait between two attempts (default 3600)"),
    ("--give-up-after", float, "seconds after which an undelivered delivery is dead-lettered (default 86400)"),
    ("--delivery-poll", float, "seconds between looks for due deliveries nobody announced (default 1)"),
    ("--rotation-overlap", float, "seconds the previous webhook secret still signs after a rotation (default 86400)"),
    ("--transcript-link-days", float, "days a signed transcript link in a webhook or mail can be opened (default 30)"),
)
SMTP_OPTIONS: tuple[tuple[str, str], ...] = (
    ("--smtp-host", "SMTP server for mail (unset: no mail is sent)"),
    ("--smtp-user", "SMTP login (unset: no AUTH)"),
    ("--smtp-password", "SMTP password (prefer --smtp-password-file)"),
    ("--smtp-password-file", "a file holding the SMTP password"),
    ("--mail-from", "the From address of every mail (default chatdesk@localhost)"),
    ("--sales-address", "where the sales follow-up goes at close"),
    ("--team-address", "where offline messages and callback requests go"),
)


def _outbox_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("--public-url", default="", help="this server's address as the outside sees it "
                   "(https://chat.shop.example), for transcript links in webhooks and mail")
    for flag, kind, text in OUTBOX_OPTIONS:
        s.add_argument(flag, type=kind, default=None, help=text)
    for flag, text in SMTP_OPTIONS:
        s.add_argument(flag, default="", help=text)
    s.add_argument("--smtp-port", type=int, default=0, help="SMTP port (default 465 with --smtp-tls tls, "
                   "587 with starttls, 25 with none)")
    s.add_argument("--smtp-tls", choices=("starttls", "tls", "none"), default="starttls",
                   help="STARTTLS after connecting (default), TLS from the start, or plain")


def _webhook_parser(sub) -> None:
    w = sub.add_parser("webhook", help="manage webhook subscriptions and dead letters (admin)")
    wsub = w.add_subparsers(dest="webhook_command", required=True)
    wa = wsub.add_parser("add", help="subscribe a URL to events; prints the signing secret once")
    wa.add_argument("url")
    wa.add_argument("--events", required=True, help="comma-separated event names, or * for all")
    wsub.add_parser("list", help="the subscriptions")
    wr = wsub.add_parser("remove", help="remove a subscription")
    wr.add_argument("id", type=int)
    wt = wsub.add_parser("rotate", help="a new secret; the old one still signs for --overlap seconds")
    wt.add_argument("id", type=int)
    wt.add_argument("--overlap", type=float, default=86400.0,
                    help="seconds the previous secret still signs (default 86400: a day)")
    wsub.add_parser("dead", help="dead-lettered deliveries (webhook and mail)")
    wd = wsub.add_parser("redeliver", help="send a dead letter again (same delivery id)")
    wd.add_argument("id")
    for p in (wa, wr, wt, wd, *[wsub.choices[n] for n in ("list", "dead")]):
        p.add_argument("--db", default="chatdesk.db")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="chatdesk", description="A terminal desk for website live chat.")
    p.add_argument("--url", help="chat server to open the desk against (default: from config)")
    p.add_argument("--email", help="operator e-mail (default: from config)")
    sub = p.add_subparsers(dest="command")

    s = sub.add_parser("server", help="run the chat server")
    s.add_argument("--db", default="chatdesk.db",
                   help="SQLite file, or a postgresql://user:password@host/dbname URL (created or migrated)")
    s.add_argument("--db-pool", type=int, default=None, metavar="N",
                   help="Postgres: read connections per process, as many again on overflow (default 10)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--auto-assign", action="store_true", help="route new chats automatically")
    s.add_argument("--requeue-after", type=float, default=60.0,
                   help="seconds an auto-assigned chat may go unanswered before it returns to the queue")
    s.add_argument("--keep-events", type=int, default=0,
                   help="keep only the newest N events (0: keep all); older resumes get a reset")
    s.add_argument("--visitor-timeout", type=float, default=180.0,
                   help="seconds after which a queued chat whose visitor has gone becomes missed")
    s.add_argument("--visit-gap", type=float, default=1800.0,
                   help="seconds of quiet after which a page view starts a new visit")
    s.add_argument("--widget-language", choices=("auto", "en", "pl", "fi"), default="auto",
                   help="language of the visitor widget's texts; auto follows the page's lang (default)")
    s.add_argument("--shop-config", metavar="FILE", default=None,
                   help="the shop's settings, one TOML file: [branding], [texts.<lang>], [prechat], [hours], "
                        "[queue], [rating] (docs/visitor-flows.md)")
    s.add_argument("--widget-config", metavar="FILE", default=None,
                   help="older name, kept for one release: the [branding] and [texts] half of the shop's "
                        "settings, a TOML or JSON file (use --shop-config)")
    s.add_argument("--flows-config", metavar="FILE",
                   help="older name, kept for one release: the [prechat], [hours], [queue] and [rating] "
                        "half of the shop's settings (use --shop-config)")
    s.add_argument("--allowed-origin", action="append", default=[], metavar="ORIGIN",
                   help="a web origin (https://shop.example) whose pages may open the visitor stream, "
                        "besides the server's own; may be given more than once")
    s.add_argument("--visitor-rate", type=int, default=600,
                   help="requests and stream frames per minute one visitor may send (0: no limit)")
    s.add_argument("--address-rate", type=int, default=6000,
                   help="visitor-side requests per minute from one client address (0: no limit)")
    s.add_argument("--request-due", type=float, default=3600.0,
                   help="seconds after which a callback request or offline message with no time in it is overdue")
    for flag, kind, default, text in CONNECTION_OPTIONS:
        s.add_argument(flag, type=kind, default=default, help=text)
    s.add_argument("--browsing-idle", type=float, default=60.0,
                   help="seconds without a page view or heartbeat after which a visitor has left the site")
    s.add_argument("--attribution-days", type=float, default=7.0,
                   help="days after a chat or an opener within which an order counts for it")
    # several processes on one database (docs/deploy.md)
    s.add_argument("--workers", type=int, default=1, metavar="N",
                   help="run N server processes sharing --port (SO_REUSEPORT), restarting any that dies")
    s.add_argument("--cluster", action="store_true",
                   help="this process is one of several on the database: one sweeper, events from all")
    s.add_argument("--cluster-poll", type=float, default=0.5, metavar="SECONDS",
                   help="with --cluster: how often to look for other processes' events (default 0.5)")
    s.add_argument("--bus-host", default="127.0.0.1",
                   help="with --cluster: the address peers reach this process's bus on (default 127.0.0.1)")
    s.add_argument("--cluster-wake", choices=("bus", "notify", "poll"), default="bus",
                   help="with --cluster: what wakes the fan-out for other processes' events: datagrams "
                        "between the processes (bus, default), Postgres LISTEN/NOTIFY (notify), or only "
                        "the poll (measured in docs/performance.md)")
    s.add_argument("--reuse-port", action="store_true",
                   help="share --port with other processes (SO_REUSEPORT); --workers sets it")
    # flood limits (docs/security.md); 0: no limit; unset: the default in server/config.py
    for flag, default, what in (
            ("--login-hashers", 1, "threads that check passwords, off the event loop"),
            ("--login-waiting", 32, "logins being checked or waiting at once, in all"),
            ("--login-per-address", 4, "logins being checked at once from one client address"),
            ("--login-per-account", 3, "logins being checked at once for one e-mail"),
            ("--chats-per-address", 200, "open (queued or active) chats from one client address"),
            ("--new-chats-per-address", 120, "new chats per minute from one client address"),
            ("--new-chats-per-visitor", 10, "new chats per minute from one visitor"),
            ("--requests-per-visitor", 3, "open callback requests and offline messages one visitor may have"),
            ("--new-requests-per-address", 30, "new callback requests and offline messages per minute from one client address")):
        s.add_argument(flag, type=int, default=None, metavar="N", help=f"{what} (default {default})")
    _outbox_arguments(s)

    u = sub.add_parser("user", help="manage operator accounts")
    usub = u.add_subparsers(dest="user_command", required=True)
    ua = usub.add_parser("add", help="add an operator")
    ua.add_argument("email")
    ua.add_argument("--db", default="chatdesk.db")
    ua.add_argument("--name", required=True)
    ua.add_argument("--role", default="operator", choices=["operator", "supervisor", "trainer", "admin"])
    ua.add_argument("--max-chats", type=int, default=4)
    ua.add_argument("--department", action="append", default=[], help="may be given more than once")
    ua.add_argument("--password-stdin", action="store_true", required=True,
                    help="read the password from standard input")

    _webhook_parser(sub)

    bk = sub.add_parser("backup", help="copy a SQLite database while the server runs (online backup)")
    bk.add_argument("file", help="the copy to write (must not exist)")
    bk.add_argument("--db", default="chatdesk.db")

    cp = sub.add_parser("copy-db", help="move a shop's SQLite database into a new Postgres database "
                        "(every server on the file stopped; docs/deploy.md)")
    cp.add_argument("--from", dest="source", required=True, metavar="FILE", help="the SQLite file (or a backup of it)")
    cp.add_argument("--to", dest="target", required=True, metavar="URL",
                    help="a new Postgres database, postgresql://user@host/dbname (empty, or migrated and empty)")

    sim = sub.add_parser("simulate", help="simulated visitors browsing a shop and chatting")
    sim.add_argument("--url", dest="sim_url", required=True, help="chat server URL")
    sim.add_argument("--visitors", type=int, default=5)
    sim.add_argument("--duration", type=float, default=60.0, help="seconds")
    sim.add_argument("--seed", type=int, default=None)
    sim.add_argument("--shoppers", type=int, default=0,
                     help="instead: N shopping visits (carts, openers, orders), --visitors at a time")
    sim.add_argument("--baseline", type=float, default=0.10, help="shoppers: chance a visit ends in an order")
    sim.add_argument("--true-effect", type=float, default=0.05,
                     help="shoppers: added to that chance when an opener was shown (hidden from the server)")
    sim.add_argument("--pace", type=float, default=1.0,
                     help="shoppers: every pause on a page times this (0.01 for a quick run)")

    lg = sub.add_parser("login", help="log in and keep the token in the system keyring")
    lg.add_argument("--url", dest="login_url", required=True)
    lg.add_argument("--email", dest="login_email", required=True)
    lg.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    lg.add_argument("--token-file", action="store_true",
                    help="keep the token in a private file in the config folder, not the keyring")

    d = sub.add_parser("demo", help="server + simulated visitors + the desk, in one command")
    d.add_argument("--as", dest="role", choices=("operator", "supervisor", "trainer", "novice"),
                   default="operator", help="the role the desk signs in as (default operator)")
    d.add_argument("--visitors", type=int, default=6)
    d.add_argument("--keep", action="store_true", help="keep the demo database afterwards")
    d.add_argument("--no-shoppers", action="store_true",
                   help="no simulated shoppers (the opener figures' burst at start and the live trickle)")
    d.add_argument("--true-effect", type=float, default=0.05,
                   help="shoppers: added to the chance of an order when an opener was shown (hidden from the server)")
    return p


def missing_server_packages() -> list[str]:
    """The server extra's packages that cannot be imported here (found, not imported: cheap)."""
    missing = []
    for name in SERVER_PACKAGES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    return missing


def _server_extra_problem(command: str) -> str | None:
    missing = missing_server_packages()
    if not missing:
        return None
    return (f"`chatdesk {command}` needs the chat server, which is an optional part of chatdesk "
            f"(missing here: {', '.join(missing)}). Install it with `pip install 'chatdesk[server]'` "
            f"or `uv tool install 'chatdesk[server]'`; from a clone, `uv sync` brings it.")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = "user " + args.user_command if args.command == "user" else args.command
    if command in ("server", "user add", "demo", "webhook", "backup", "copy-db") and (problem := _server_extra_problem(command)):
        print(f"chatdesk: {problem}", file=sys.stderr)
        return 2
    if args.command == "server" and args.workers > 1:
        from chatdesk.server.cluster.workers import run_workers
        return run_workers(args, list(sys.argv[1:] if argv is None else argv))
    if args.command == "server":
        from chatdesk.server.main import serve
        return serve(args)
    if args.command == "backup":
        from chatdesk.server.backup_cli import backup
        return backup(args)
    if args.command == "copy-db":
        from chatdesk.server.copydb_cli import copy_db
        return copy_db(args)
    if args.command == "user":
        from chatdesk.server.accounts_cli import add_user
        return add_user(args)
    if args.command == "webhook":
        from chatdesk.server.webhooks_cli import webhook_command
        return webhook_command(args)
    if args.command == "simulate":
        if args.shoppers:
            from chatdesk.simulator.shop_site import run_shoppers_command
            return run_shoppers_command(args)
        from chatdesk.simulator.run import run_simulator
        return run_simulator(args)
    if args.command == "login":
        from chatdesk.client.login_cli import login
        return login(args)
    if args.command == "demo":
        from chatdesk.demo.run import run_demo
        return run_demo(args)
    from chatdesk.tui.main import run_desk
    return run_desk(args)


if __name__ == "__main__":
    sys.exit(main())
