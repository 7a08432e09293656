"""`chatdesk user add EMAIL --db PATH --name NAME --role ROLE [--max-chats N] --password-stdin`."""
from __future__ import annotations

import json
import sys
import time


def add_user(args) -> int:
    from sqlalchemy import create_engine, insert, select, update

    from . import schema
    from .passwords import hash_password
    from .db import install_sqlite_hooks
    from .migrations import migrate

    password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        print("The password must have at least 8 characters.", file=sys.stderr)
        return 2
    email = args.email.strip().lower()
    if "@" not in email or len(email) > 254:
        print(f"'{args.email}' is not an e-mail address.", file=sys.stderr)
        return 2
    if not 0 <= args.max_chats <= 50:
        print("--max-chats must be between 0 and 50.", file=sys.stderr)
        return 2
    engine = create_engine(f"sqlite:///{args.db}")
    install_sqlite_hooks(engine, "BEGIN IMMEDIATE")
    with engine.begin() as conn:
        migrate(conn)
        o = schema.operators
        values = {"name": args.name, "role": args.role, "max_chats": args.max_chats,
                  "password_hash": hash_password(password), "departments": json.dumps(args.department)}
        existing = conn.execute(select(o.c.id).where(o.c.email == email)).scalar()
        if existing:
            conn.execute(update(o).where(o.c.id == existing).values(**values))
            print(f"Updated {email} ({args.role}).")
        else:
            conn.execute(insert(o).values(email=email, status="offline", created_at=time.time(), **values))
            print(f"Added {email} ({args.role}).")
        known = set(conn.execute(select(schema.departments.c.name)).scalars())
        for d in args.department:
            if d not in known:
                conn.execute(insert(schema.departments).values(name=d))
    engine.dispose()
    return 0
