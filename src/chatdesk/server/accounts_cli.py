"""`chatdesk user add EMAIL --db PATH|URL --name NAME --role ROLE [--max-chats N] --password-stdin`.

Creates or migrates the database first. On SQLite, plain sqlite3 when the schema is already
current, so adding an account does not pay for importing SQLAlchemy (tests add many operators);
on Postgres (`--db postgresql://…`), asyncpg alone in the same way."""
from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import time

from .security.passwords import hash_password
from .storage.target import UnknownDatabase, database_target


def _schema_version(path: str) -> int:
    with sqlite3.connect(path) as db:
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_version'").fetchone() is None:
            return 0
        row = db.execute("SELECT version FROM schema_version").fetchone()
    return row[0] if row else 0


def _migrate(path: str) -> None:
    from sqlalchemy import create_engine

    from .storage.db import install_sqlite_hooks
    from .storage.migrations import migrate

    engine = create_engine(f"sqlite:///{path}")
    install_sqlite_hooks(engine, "BEGIN IMMEDIATE")
    with engine.begin() as conn:
        migrate(conn)
    engine.dispose()


def _check(args, password: str) -> str | None:
    if len(password) < 8:
        return "The password must have at least 8 characters."
    if "@" not in args.email or len(args.email) > 254:
        return f"'{args.email}' is not an e-mail address."
    if not 0 <= args.max_chats <= 50:
        return "--max-chats must be between 0 and 50."
    try:
        database_target(args.db)
    except UnknownDatabase as e:
        return str(e)
    return None


def create_user(db_path, *, email: str, name: str, role: str = "operator", max_chats: int = 4,
                departments: list[str] | None = None, password: str) -> bool:
    """Add (or update) an operator account, creating or migrating the database first.
    Returns True when the account is new. Also used by `chatdesk demo`."""
    from .storage.version import LATEST

    db_path = database_target(db_path)
    if isinstance(db_path, str):     # a postgresql:// URL
        return asyncio.run(create_on_postgres(db_path, email=email, name=name, role=role,
                                              max_chats=max_chats, departments=departments, password=password))

    path, email, departments = str(db_path), email.strip().lower(), list(departments or [])
    if _schema_version(path) < LATEST:
        _migrate(path)
    values = (name, role, max_chats, hash_password(password), json.dumps(departments))
    db = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        db.execute("PRAGMA busy_timeout=10000")
        db.execute("BEGIN IMMEDIATE")
        existing = db.execute("SELECT id FROM operators WHERE email = ?", (email,)).fetchone()
        if existing:
            db.execute("UPDATE operators SET name=?, role=?, max_chats=?, password_hash=?, departments=? "
                       "WHERE id=?", (*values, existing[0]))
        else:
            db.execute("INSERT INTO operators (name, role, max_chats, password_hash, departments, email, "
                       "status, novice, approval_required, last_assigned_at, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, 'offline', 0, 0, 0, ?)", (*values, email, time.time()))
        for d in departments:
            db.execute("INSERT OR IGNORE INTO departments (name) VALUES (?)", (d,))
        db.execute("COMMIT")
    finally:
        db.close()
    return existing is None


async def create_on_postgres(url: str, *, email: str, name: str, role: str = "operator", max_chats: int = 4,
                             departments: list[str] | None = None, password: str) -> bool:
    """create_user on Postgres: asyncpg alone when the schema is current (as sqlite3 alone is on
    SQLite), in one transaction that holds the server's write lock (storage/postgres.py); text as
the server stores it (storage/nul_escape.py)."""
    import asyncpg

    from .storage.nul_escape import to_stored
    from .storage.target import WRITE_LOCK, libpq_url
    from .storage.version import LATEST

    email, departments = email.strip().lower(), list(departments or [])
    conn = await asyncpg.connect(libpq_url(url))
    try:
        if await _postgres_version(conn) < LATEST:
            await _migrate_postgres(url)
        async with conn.transaction():
            await conn.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
            values = (to_stored(name), role, max_chats, hash_password(password), json.dumps(departments))
            existing = await conn.fetchval("SELECT id FROM operators WHERE email = $1", to_stored(email))
            if existing is not None:
                await conn.execute("UPDATE operators SET name=$1, role=$2, max_chats=$3, password_hash=$4, "
                                   "departments=$5::json WHERE id=$6", *values, existing)
            else:
                await conn.execute("INSERT INTO operators (name, role, max_chats, password_hash, departments, email, "
                                   "status, novice, approval_required, last_assigned_at, created_at) "
                                   "VALUES ($1, $2, $3, $4, $5::json, $6, 'offline', false, false, 0, $7)",
                                   *values, to_stored(email), time.time())
            for d in departments:
                await conn.execute("INSERT INTO departments (name) VALUES ($1) ON CONFLICT DO NOTHING", to_stored(d))
    finally:
        await conn.close()
    return existing is None


async def _postgres_version(conn) -> int:
    if await conn.fetchval("SELECT to_regclass('schema_version')") is None:
        return 0
    return await conn.fetchval("SELECT version FROM schema_version") or 0


async def _migrate_postgres(url: str) -> None:
    from .storage.engine import open_database
    from .storage.migrations import migrate_async

    db = open_database(url, pool_size=1)
    try:
        await migrate_async(db)
    finally:
        await db.close()


def add_user(args) -> int:
    password = sys.stdin.readline().rstrip("\r\n")
    problem = _check(args, password)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    created = create_user(args.db, email=args.email, name=args.name, role=args.role,
                          max_chats=args.max_chats, departments=args.department, password=password)
    print(f"{'Added' if created else 'Updated'} {args.email.strip().lower()} ({args.role}).")
    return 0
