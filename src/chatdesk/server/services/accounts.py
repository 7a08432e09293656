"""Operator accounts over the API: log in and out, status, limits, departments."""
from __future__ import annotations

import time
from typing import Any

from sqlalchemy import insert, select, update

from chatdesk.protocol import events as ev

from ..context import ServerContext
from ..eventlog.log import Tx
from ..security.passwords import DUMMY_HASH, new_token, token_hash
from ..security.tokens import Actor
from ..storage import rows
from ..storage.db import AnyConn
from ..storage.schema import departments as D
from ..storage.schema import operator_tokens as T
from ..storage.schema import operators as OP
from .errors import Unauthorized, conflict, not_found


async def _emit_operator(tx: Tx, type_: str, oid: int) -> dict[str, Any] | None:
    op = await rows.operator(tx.conn, oid)
    await tx.emit(type_, {"operator": op}, all_operators=True)
    return op


async def set_status(ctx: ServerContext, oid: int, status: str) -> dict[str, Any] | None:
    async with ctx.store.tx() as tx:
        return await change_status(tx, oid, status)


async def change_status(tx: Tx, oid: int, status: str) -> dict[str, Any] | None:
    """The status change inside the caller's transaction (a callback's call puts its operator on
    the phone in the same one); operator.status is emitted only when it changed."""
    row = await rows.operator_row(tx.conn, oid)
    if row is None:
        raise not_found(f"operator {oid}")
    if row.status == status:
        return await rows.operator(tx.conn, oid)
    if status == "on_phone":
        await _refuse_phone_while_chatting(tx.conn, oid)
    await tx.conn.execute(update(OP).where(OP.c.id == oid).values(status=status))
    return await _emit_operator(tx, ev.OPERATOR_STATUS, oid)


async def _refuse_phone_while_chatting(conn: AnyConn, oid: int) -> None:
    """An operator is on chat or on the phone, never both (away only stops routing, so it stays
    allowed). Checked inside the status transaction: no accept can slip in between."""
    held = await rows.active_count(conn, oid)
    if held:
        chats = "1 chat" if held == 1 else f"{held} chats"
        raise conflict("holding_chats",
                       f"You still hold {chats}: transfer or close them before going on the phone.")


async def login(ctx: ServerContext, email: str, password: str, address: str) -> dict[str, Any]:
    """A new token for the right password: past the login gate (429 in a flood; the address caps
    are checked before the request is parsed), slowed by the throttle after failures, the
    password checked in the gate's own threads."""
    email = email.strip().lower()
    keys = (f"email:{email}", f"addr:{address}")
    async with ctx.logins.account(email), ctx.throttle.one_at_a_time(email):
        await ctx.throttle.before_attempt(*keys)
        async with ctx.store.read() as conn:
            row = (await conn.execute(select(OP).where(OP.c.email == email))).first()
        ok = await ctx.logins.verify(password, row.password_hash if row else DUMMY_HASH)
        if row is None or not ok:
            await ctx.throttle.failed(*keys)
            raise Unauthorized("The e-mail or password is wrong.", "bad_credentials")
        await ctx.throttle.succeeded(*keys)
    token = new_token()
    async with ctx.store.tx() as tx:
        await tx.conn.execute(insert(T).values(token_hash=token_hash(token), operator_id=row.id,
                                               created_at=time.time()))
    # Logging in puts an offline operator online: they came to take chats.
    op = await set_status(ctx, row.id, "online") if row.status == "offline" else None
    if op is None:
        async with ctx.store.read() as conn:
            op = await rows.operator(conn, row.id)
    return {"token": token, "operator": op}


async def logout(ctx: ServerContext, actor: Actor, token: str) -> None:
    """Revokes exactly this token; its open streams end at once."""
    hashed = token_hash(token)
    async with ctx.store.tx() as tx:
        await tx.conn.execute(update(T).where(T.c.token_hash == hashed).values(revoked_at=time.time()))
        remaining = (await tx.conn.execute(select(T.c.token_hash).where(
            T.c.operator_id == actor.id, T.c.revoked_at.is_(None)).limit(1))).first()
    ctx.hub.revoke(hashed)
    if remaining is None:            # last session gone: nobody is there to take chats
        await set_status(ctx, actor.id, "offline")


async def change_limits(tx: Tx, operator_id: int, changes: dict[str, Any]) -> dict[str, Any] | None:
    if await rows.operator_row(tx.conn, operator_id) is None:
        raise not_found(f"operator {operator_id}")
    if not changes:
        return await rows.operator(tx.conn, operator_id)
    await tx.conn.execute(update(OP).where(OP.c.id == operator_id).values(**changes))
    return await _emit_operator(tx, ev.OPERATOR_UPDATED, operator_id)


async def departments(conn: AnyConn) -> list[str]:
    """The known departments and any an operator belongs to, sorted."""
    names = set((await conn.execute(select(D.c.name))).scalars())
    for (deps,) in (await conn.execute(select(OP.c.departments))).all():
        names.update(deps)
    return sorted(names)
