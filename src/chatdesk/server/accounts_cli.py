"""`chatdesk user add EMAIL --db PATH|URL --name NAME --role ROLE [--max-chats N] --password-stdin`.

Creates or migrates the database first. On SQLite, plain sqlite3 when the schema is already
current, so adding an account does not pay for importing SQLAlchemy (tests add many operators);
on Postgres (`--db postgresql://…`), SQLAlchemy Core through the server's own Database."""
from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import time
from typing import Any

from .security.passwords import hash_password
from .storage.engine import is_postgres


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
    return None


def create_user(db_path, *, email: str, name: str, role: str = "operator", max_chats: int = 4,
                departments: list[str] | None = None, password: str) -> bool:
    """Add (or update) an operator account, creating or migrating the database first.
    Returns True when the account is new. Also used by `chatdesk demo`."""
    from .storage.version import LATEST

    if is_postgres(db_path):
        return asyncio.run(_create_on_postgres(str(db_path), email=email, name=name, role=role,
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


async def _create_on_postgres(url: str, **account: Any) -> bool:
    from .storage.engine import open_database
    from .storage.migrations import migrate_async

    db = open_database(url, pool_size=1)
    try:
        await migrate_async(db)
        return await create_user_async(db, **account)
    finally:
        await db.close()


async def create_user_async(db, *, email: str, name: str, role: str = "operator", max_chats: int = 4,
                            departments: list[str] | None = None, password: str) -> bool:
    """create_user on an open, migrated Database (either engine), in one write transaction."""
    from sqlalchemy import insert, select, update

    from .storage import schema

    OPS, D = schema.operators, schema.departments
    email, departments = email.strip().lower(), list(departments or [])
    values = {"name": name, "role": role, "max_chats": max_chats, "password_hash": hash_password(password),
              "departments": departments}
    async with db.write() as conn:
        existing = (await conn.execute(select(OPS.c.id).where(OPS.c.email == email))).scalar()
        if existing is not None:
            await conn.execute(update(OPS).where(OPS.c.id == existing).values(**values))
        else:
            await conn.execute(insert(OPS).values(**values, email=email, status="offline", novice=False,
                                                  approval_required=False, last_assigned_at=0.0,
                                                  created_at=time.time()))
        known = set((await conn.execute(select(D.c.name).where(D.c.name.in_(departments)))).scalars())
        for d in dict.fromkeys(departments):
            if d not in known:       # writes are serial: nobody adds it in between
                await conn.execute(insert(D).values(name=d))
    return existing is None


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
